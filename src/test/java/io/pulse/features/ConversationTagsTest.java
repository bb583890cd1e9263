package io.pulse.features;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationTagsTest {

    @Test
    void readsPipeSeparatedKeyValueTags() {
        ConversationTags tags = ConversationTags.parse("topic:billing|channel:email|segment:churn_watch|first_response:bot");
        assertThat(tags.has("topic:billing")).isTrue();
        assertThat(tags.has("billing")).isTrue();
        assertThat(tags.has("churn watch")).isTrue();
        assertThat(tags.hasEscalationLanguage()).isTrue();
        assertThat(tags.isBugOrOutage()).isFalse();
    }

    @Test
    void readsCommaSeparatedLabelsCaseInsensitively() {
        ConversationTags tags = ConversationTags.parse("Upgrade Opportunity, Bug, Executive Attention");
        assertThat(tags.has("upgrade opportunity")).isTrue();
        assertThat(tags.isBugOrOutage()).isTrue();
        assertThat(tags.hasEscalationLanguage()).isTrue();
    }

    @Test
    void aSingleLabelOrNothingIsFine() {
        assertThat(ConversationTags.parse("Outage").isBugOrOutage()).isTrue();
        assertThat(ConversationTags.parse("topic:security").has("security")).isTrue();
        assertThat(ConversationTags.parse(null).all()).isEmpty();
        assertThat(ConversationTags.parse("  ").all()).isEmpty();
    }

    @Test
    void labelsThatOnlyContainAWordDoNotMatchIt() {
        assertThat(ConversationTags.parse("Debugging Help, Billingsley Account").isBugOrOutage()).isFalse();
        assertThat(ConversationTags.parse("Debugging Help, Billingsley Account").hasEscalationLanguage()).isFalse();
    }

    @Test
    void theFormatIsToldBySeparatorsAndEveryEntryIsKeptWholeAndByItsValue() {
        assertThat(ConversationTags.parse("a:b|c").all()).containsExactlyInAnyOrder("a:b", "b", "c");
        assertThat(ConversationTags.parse("key:value").all()).as("one pair, no separator")
                .containsExactlyInAnyOrder("key:value", "value");
        assertThat(ConversationTags.parse("Bug, ratio:high").all()).as("a comma: labels")
                .containsExactlyInAnyOrder("bug", "ratio:high", "high");
        assertThat(ConversationTags.parse("Bug,, Outage ,").all()).containsExactlyInAnyOrder("bug", "outage");
        assertThat(ConversationTags.parse(":x").all()).as("a colon first").containsExactlyInAnyOrder(":x", "x");
        assertThat(ConversationTags.parse("Bug").has("BUG")).isTrue();
        assertThat(ConversationTags.parse("Bug").has("outage")).isFalse();
    }

    @Test
    void upgradeDriversAndTheSegmentTagAreFoundOnlyWhenThere() {
        assertThat(ConversationTags.parse("API, Bug").hasUpgradeDriver()).isTrue();
        assertThat(ConversationTags.parse("topic:usage_spike|channel:chat").hasUpgradeDriver()).isTrue();
        assertThat(ConversationTags.parse("Bug, Outage").hasUpgradeDriver()).isFalse();
        assertThat(ConversationTags.parse("tier:growth,segment:expansion,region:EMEA").segment()).isEqualTo("expansion");
        assertThat(ConversationTags.parse("tier:growth,segment:,region:EMEA").segment()).as("an empty segment")
                .isNull();
        assertThat(ConversationTags.parse("tier:growth,region:EMEA").segment()).isNull();
    }

    @Test
    void aPlanChangeIsMentionedWhenExactlyOneOfUpgradeAndDowngradeIs() {
        assertThat(ConversationTags.planChangeMention("Upgrade Opportunity", null)).isEqualTo("UPGRADE");
        assertThat(ConversationTags.planChangeMention(null, "Seat DOWNGRADE discussion")).isEqualTo("DOWNGRADE");
        assertThat(ConversationTags.planChangeMention("Upgrade Opportunity", "downgrade?")).as("both: mixed").isNull();
        assertThat(ConversationTags.planChangeMention(null, null)).isNull();
        assertThat(ConversationTags.planChangeMention("Bug", "Export fails")).isNull();
    }
}
