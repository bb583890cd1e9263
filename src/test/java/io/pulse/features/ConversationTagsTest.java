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
}
