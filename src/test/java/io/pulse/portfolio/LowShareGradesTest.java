package io.pulse.portfolio;

import io.pulse.rules.pack.RuleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The grades of the portfolio view and their boundaries, as rules-pack section 1 writes them. */
class LowShareGradesTest {
    /** The shipped pack's thresholds: the grading is read from parameters.json, not written here. */
    private static final LowShareGrades PACK;

    static {
        try {
            PACK = LowShareGrades.of(RuleSet.load(Path.of("rules")).parameters().getPortfolioGrades());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void theShippedPackGradesAsTheSpecSays() {
        assertThat(LowShareGrades.plain(PACK.highMin())).isEqualTo("70");
        assertThat(LowShareGrades.plain(PACK.elevatedMin())).isEqualTo("40");
        assertThat(LowShareGrades.plain(PACK.watchMin())).isEqualTo("20");
        assertThat(PACK.describe()).isEqualTo("High >= 70%, Elevated >= 40%, Watch >= 20%, Stable below");
    }

    @ParameterizedTest(name = "{0}% is {1}")
    @CsvSource({
        "100.00, High", "70.00, High", "70, High", "69.99, Elevated", "40.00, Elevated", "40, Elevated",
        "39.99, Watch", "20.00, Watch", "20, Watch", "19.99, Stable", "0.00, Stable"
    })
    void eachBoundaryBelongsToTheGradeAboveIt(String share, String grade) {
        assertThat(PACK.grade(new BigDecimal(share)).label()).isEqualTo(grade);
    }

    @ParameterizedTest(name = "{0} of {1} is {2}%")
    @CsvSource({
        "7, 10, 70.00", "14, 20, 70.00", "2, 5, 40.00", "1, 5, 20.00", "0, 3, 0.00", "3, 3, 100.00",
        "1, 3, 33.33", "2, 3, 66.67", "1, 6, 16.67", "6999, 10000, 69.99", "69995, 100000, 70.00"
    })
    void theShareIsExactThenRoundedHalfUpToTwoDecimals(long low, long accounts, String share) {
        assertThat(LowShareGrades.share(low, accounts)).isEqualByComparingTo(share);
    }

    @Test
    void whatIsShownIsWhatIsGraded() {
        // 69.995% shows as 70.00% and is High; 69.994% shows as 69.99% and is Elevated
        assertThat(PACK.grade(LowShareGrades.share(69_995, 100_000))).isEqualTo(Grade.HIGH);
        assertThat(PACK.grade(LowShareGrades.share(69_994, 100_000))).isEqualTo(Grade.ELEVATED);
        assertThat(PACK.grade(LowShareGrades.share(1_999, 10_000))).isEqualTo(Grade.STABLE);
        assertThat(PACK.grade(LowShareGrades.share(2_000, 10_000))).isEqualTo(Grade.WATCH);
    }

    @Test
    void anEmptyCellHasNoShareAndNoGrade() {
        assertThat(LowShareGrades.share(0, 0)).isNull();
        assertThatThrownBy(() -> PACK.grade(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void impossibleCountsAndFallingThresholdsAreRejected() {
        assertThatThrownBy(() -> LowShareGrades.share(4, 3)).hasMessageContaining("4 Low-band accounts of 3");
        assertThatThrownBy(() -> new LowShareGrades(new BigDecimal("40"), new BigDecimal("70"), new BigDecimal("20")))
                .hasMessageContaining("grades must rise");
    }

    @Test
    void otherThresholdsGradeByTheirOwnBoundaries() {
        LowShareGrades strict = new LowShareGrades(new BigDecimal("50"), new BigDecimal("25.5"), new BigDecimal("10"));
        assertThat(strict.grade(new BigDecimal("50.00"))).isEqualTo(Grade.HIGH);
        assertThat(strict.grade(new BigDecimal("25.50"))).isEqualTo(Grade.ELEVATED);
        assertThat(strict.grade(new BigDecimal("25.49"))).isEqualTo(Grade.WATCH);
        assertThat(strict.grade(new BigDecimal("9.99"))).isEqualTo(Grade.STABLE);
        assertThat(strict.describe()).isEqualTo("High >= 50%, Elevated >= 25.5%, Watch >= 10%, Stable below");
    }
}
