package io.pulse.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import io.pulse.testing.HeadlessChromium;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backtests on a generated history through the real job on a MiniCluster: the default pack
 * foresees churn better than chance, a weakened challenger scores worse, the figures do not depend
 * on parallelism, the recommendations are the replay's, and no rule sees the future.
 */
class BacktestITCase {
    private static final BacktestWindow WINDOW =
            new BacktestWindow(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 7, 31), Duration.ofDays(90));

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;
    static Path history;
    static Path challenger;
    /** Champion against the weakened challenger at parallelism 2: shared by several tests. */
    static Backtest.Result atTwo;

    @BeforeAll
    static void generateHistoryAndBacktestIt() throws Exception {
        history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(300, 300, 11, LocalDate.of(2025, 1, 1), history)).generate();
        challenger = pack("weakened", Path.of("src/test/resources/backtest/weakened-challenger"));
        atTwo = Backtest.run(options(challenger, dir.resolve("out-p2"), 2));
    }

    /** The default pack with the files of {@code overlay} added or replacing its own. */
    static Path pack(String name, Path overlay) throws IOException {
        Path pack = dir.resolve(name);
        Files.createDirectories(pack);
        for (Path source : List.of(Path.of("rules"), overlay)) {
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(p -> RuleSet.isRuleFile(p.getFileName().toString())).toList()) {
                    Files.copy(f, pack.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return pack;
    }

    static Backtest.Options options(Path challengerPack, Path out, int parallelism) {
        return new Backtest.Options(history, Path.of("rules"), challengerPack, WINDOW, out, parallelism, Team.of(4), false);
    }

    @Test
    void theTutorialsRuleIsBacktestedWithItsDeclaredFeaturesAndReportsItsLift() throws Exception {
        Path tutorial = RulePackFixtures.packWithDeclaredFeatures(Files.createDirectory(dir.resolve("tutorial")), false);
        Path out = dir.resolve("out-tutorial");
        Backtest.Result r = Backtest.run(new Backtest.Options(history, Path.of("rules"), tutorial, WINDOW, out, 2,
                null, false));

        assertThat(r.championAction("ONBOARDING_RESCUE")).isNull();
        Scores.SegmentScore rescue = r.challengerAction("ONBOARDING_RESCUE");
        assertThat(rescue).as("the tutorial's rule flagged customers").isNotNull();
        assertThat(rescue.flagged()).isPositive();
        assertThat(rescue.lift()).as("its lift against the outcomes").isNotNull();
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode reported = null;
        for (JsonNode a : metrics.at("/challenger/actions")) {
            if (a.path("action").asText().equals("ONBOARDING_RESCUE")) {
                reported = a;
            }
        }
        assertThat(reported).as(metrics.at("/challenger/actions").toString()).isNotNull();
        assertThat(reported.path("lift").asDouble()).isEqualTo(rescue.lift());
    }

    @Test
    void theDefaultPackForeseesChurnAndDowngradesBetterThanChance() {
        for (String action : List.of("URGENT_RETAIN", "POST_UPGRADE_RESCUE")) {
            Scores.SegmentScore score = atTwo.championAction(action);
            assertThat(score).as(action).isNotNull();
            assertThat(score.flagged()).as(action + " flagged").isGreaterThanOrEqualTo(5);
            assertThat(score.lift()).as(action + " lift").isGreaterThan(1.0);
            assertThat(score.leadTimeDays()).as(action + " lead time").isPositive();
        }
        assertThat(atTwo.champion().baseRate()).isBetween(0.0, 1.0).isNotZero();
    }

    @Test
    void aWeakenedChallengerScoresWorseAndTheDiffNamesTheRulesBehindIt() throws Exception {
        Scores.SegmentScore champion = atTwo.championAction("URGENT_RETAIN");
        Scores.SegmentScore weakened = atTwo.challengerAction("URGENT_RETAIN");
        assertThat(weakened.lift()).isLessThan(champion.lift());
        assertThat(weakened.precision()).isLessThan(champion.precision());
        assertThat(weakened.recall()).isLessThan(champion.recall());

        assertThat(atTwo.diff().customersChanged()).isPositive();
        assertThat(atTwo.diff().customersByField()).containsKey("actions_flagged");
        List<String> diff = Files.readAllLines(dir.resolve("out-p2/diff.csv"));
        assertThat(diff.get(0)).isEqualTo(
                "customer_id,field,champion,challenger,rules_only_in_champion,rules_only_in_challenger");
        assertThat(diff).hasSize(atTwo.diff().rows().size() + 1)
                .anySatisfy(row -> assertThat(row).contains("URGENT_RETAIN").contains("urgent retain"));
        // The diff is the difference only: the challenger changes nothing about tiers or bands.
        assertThat(atTwo.diff().customersByField()).doesNotContainKeys("value_tier", "risk_tier", "health_band");
    }

    @Test
    void theReportAndMetricsCarryTheStabilityOfChampionAndChallengerSideBySide() throws Exception {
        List<String> strategies = List.of("URGENT_RETAIN", "PROACTIVE_ENGAGE", "VIP_NURTURE", "CLOSE_MONITOR",
                "STANDARD_CARE", "UPSELL_OPPORTUNITY", "LOW_TOUCH_AUTOMATION", "LOW_PRIORITY", "SELF_SERVICE");
        for (Scores s : List.of(atTwo.champion(), atTwo.challenger())) {
            Scores.StabilityScores stability = s.stability();
            Scores.StabilityScore valueRisk = stability.family("VALUE_RISK");
            assertThat(valueRisk.openings()).isPositive();
            assertThat(valueRisk.openingsPerCustomerYear()).isPositive();
            assertThat(valueRisk.medianDaysOpen()).isPositive();
            assertThat(valueRisk.shareOpenedThreeTimes()).isBetween(0.0, 1.0);
            // The family's openings are its nine strategies' openings.
            assertThat(valueRisk.openings()).isEqualTo(stability.actions().stream()
                    .filter(a -> strategies.contains(a.name())).mapToInt(Scores.StabilityScore::openings).sum());
            assertThat(stability.families()).extracting(Scores.StabilityScore::name).contains("VALUE_RISK", "HEALTH");
            assertThat(stability.weeklyNewActions().weeks()).isEqualTo(21);   // 3 Mar .. 21 Jul 2025
            assertThat(stability.weeklyNewActions().max()).isPositive();
        }

        String html = Files.readString(dir.resolve("out-p2/report.html"));
        assertThat(html).contains("<h2 id=\"stability\">Recommendation stability</h2>", "openings / customer / year");
        for (String name : List.of("URGENT_RETAIN", "VALUE_RISK", "HEALTH")) {
            for (String role : List.of(Backtest.CHAMPION, Backtest.CHALLENGER, "difference")) {
                assertThat(html).as(name + " " + role)
                        .contains("<tr class=\"" + role + "\"><td>" + name + "</td><td>" + role + "</td>");
            }
        }
        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("out-p2/metrics.json").toFile());
        for (String role : List.of(Backtest.CHAMPION, Backtest.CHALLENGER)) {
            Scores s = role.equals(Backtest.CHAMPION) ? atTwo.champion() : atTwo.challenger();
            JsonNode stability = metrics.path(role).path("stability");
            assertThat(stability.path("flip_flop_days").asInt()).isEqualTo(60);
            JsonNode valueRisk = findBy(stability.path("families"), "family", "VALUE_RISK");
            assertThat(valueRisk.path("openings_per_customer_year").asDouble())
                    .isEqualTo(s.stability().family("VALUE_RISK").openingsPerCustomerYear());
            assertThat(findBy(stability.path("actions"), "action", "URGENT_RETAIN").has("flip_flops")).isTrue();
            assertThat(stability.path("weekly_new_actions").path("median").isNumber()).isTrue();
        }
    }

    private static JsonNode findBy(JsonNode array, String key, String value) {
        for (JsonNode n : array) {
            if (n.path(key).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + array);
    }

    @Test
    void metricsJsonIsByteIdenticalAtParallelismOneAndTwo() throws Exception {
        Backtest.run(options(challenger, dir.resolve("out-p1"), 1));
        byte[] one = Files.readAllBytes(dir.resolve("out-p1/metrics.json"));
        byte[] two = Files.readAllBytes(dir.resolve("out-p2/metrics.json"));
        assertThat(new String(one)).contains("\"action\" : \"URGENT_RETAIN\"", "\"lead_time_days\"");
        assertThat(one).isEqualTo(two);
        assertThat(Files.readAllLines(dir.resolve("out-p1/recommendations-champion.csv")))
                .isEqualTo(Files.readAllLines(dir.resolve("out-p2/recommendations-champion.csv")));
    }

    @Test
    void theBacktestRecommendsWhatAReplayOfTheSameHistoryWrites() throws Exception {
        // A replay of the history as it stood at the window's end...
        Path cut = dir.resolve("history-until-window-end.sqlite");
        Files.copy(history, cut);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cut); Statement s = c.createStatement()) {
            for (EventTables.TimeColumn t : EventTables.ALL) {
                String late = "unixepoch(" + t.column() + ") * 1000 >= " + WINDOW.endMs();
                s.executeUpdate(t.column().equals("last_close_at")
                        ? "UPDATE " + t.table() + " SET last_close_at = NULL WHERE " + late
                        : "DELETE FROM " + t.table() + " WHERE " + late);
            }
        }
        SinkDatabase queue = SinkDatabase.of("jdbc:sqlite:" + dir.resolve("replay-queue.sqlite"));
        queue.createSchema();
        new PulseJob(PulseJob.history("jdbc:sqlite:" + cut), PulseJob.jdbc(queue), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "replay for BacktestITCase");

        // ...holds, per customer and action, the last change the backtest logged and the first time it opened.
        String columns = "customer_id, action, family, value_tier, risk_tier, health_band, health_score, priority,"
                + " playbook, reasons, ruleset_version, valid_as_of";
        List<String> replayed = rows(queue.url(), "SELECT " + columns + ", first_valid_as_of, status"
                + " FROM recommended_actions ORDER BY customer_id, action");
        List<String> logged = rows(atTwo.runs().get(0).logUrl(), "SELECT " + columns + ", first_valid_as_of, status"
                + " FROM recommendation_log l JOIN (SELECT customer_id AS c, action AS a, max(valid_as_of) AS last,"
                + " min(valid_as_of) AS first_valid_as_of FROM recommendation_log GROUP BY 1, 2) k"
                + " ON l.customer_id = k.c AND l.action = k.a AND l.valid_as_of = k.last ORDER BY customer_id, action");
        assertThat(replayed).hasSizeGreaterThan(300);
        assertThat(logged).isEqualTo(replayed);
    }

    @Test
    void aRuleNeverSeesAFeatureBeforeTheEventThatCarriesIt() throws Exception {
        Path withSignal = dir.resolve("history-with-future-signal.sqlite");
        Files.copy(history, withSignal);
        String customer;
        String signalAt = "2025-05-15 10:00:00";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + withSignal); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE signal AS SELECT * FROM customer360__customer_activity_metrics"
                    + " WHERE activity_analysis_timestamp < '" + signalAt + "'"
                    + " ORDER BY activity_analysis_timestamp DESC, primary_email LIMIT 1");
            s.execute("UPDATE signal SET activity_analysis_timestamp = '" + signalAt + "',"
                    + " activity_risk_level = 'Future signal', engagement_velocity = 'Stable'");
            s.execute("INSERT INTO customer360__customer_activity_metrics SELECT * FROM signal");
            try (ResultSet rs = s.executeQuery("SELECT primary_email FROM signal")) {
                rs.next();
                String email = rs.getString(1);
                customer = email.substring(email.indexOf('@') + 1);
            }
        }
        Path pack = pack("future-signal", Path.of("src/test/resources/backtest/future-signal"));
        Backtest.Result r = Backtest.run(new Backtest.Options(withSignal, pack, null, WINDOW,
                dir.resolve("out-future"), 2, null, false));

        List<String> seen = rows(r.runs().get(0).logUrl(), "SELECT DISTINCT valid_as_of FROM recommendation_log"
                + " WHERE reasons LIKE '%a signal that only appears later%' ORDER BY valid_as_of");
        // The rule works (it fired) and first fires when the day of the signal has ended, never before.
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0)).isEqualTo("2025-05-16T00:00:00Z");
        assertThat(rows(r.runs().get(0).logUrl(), "SELECT DISTINCT customer_id FROM recommendation_log"
                + " WHERE reasons LIKE '%a signal that only appears later%'")).containsExactly(customer);
    }

    @Test
    void theReportOpensOfflineInHeadlessChromiumAndItsChartsRender() throws Exception {
        Path report = dir.resolve("out-p2/report.html");
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            ChromeDriver page = chromium.driver();
            page.get(report.toUri().toString());
            assertThat(page.getTitle()).startsWith("Pulse backtest");
            // Self-contained: nothing to fetch (no script, stylesheet or image from elsewhere).
            assertThat(page.findElements(By.cssSelector("script[src], link[href], img[src]"))).isEmpty();
            // Lift, precision/recall, workload (champion and challenger), bands, flagged per action.
            List<WebElement> charts = page.findElements(By.cssSelector("figure.chart svg"));
            assertThat(charts).hasSize(6);
            for (WebElement chart : charts) {
                assertThat(chart.getSize().getWidth()).isGreaterThan(800);
                assertThat(chart.getSize().getHeight()).isGreaterThan(300);
                assertThat(chart.findElements(By.cssSelector("rect, path"))).hasSizeGreaterThan(10);
            }
            // The screenshot of the first chart shows its bars: saturated colour, not just text and axes.
            page.executeScript("arguments[0].scrollIntoView()", charts.get(0));
            BufferedImage shot = ImageIO.read(chromium.screenshot(dir.resolve("report.png")).toFile());
            assertThat(colouredPixels(shot)).isGreaterThan(2_000);
        }
    }

    /** Pixels whose colour is far from grey: chart bars and areas, never text on white. */
    private static int colouredPixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    n++;
                }
            }
        }
        return n;
    }
}
