package io.pulse.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.actions.SinkDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person types at the queue (statuses, outcomes, a database path) and the queue's JSON. */
class QueueInputsTest {
    @Test
    void aStatusOrOutcomeIsReadWhateverItsCaseAndAnUnknownOneIsNamed() {
        assertThat(Status.parse(" snoozed ")).isEqualTo(Status.SNOOZED);
        assertThat(Outcome.parse("Saved")).isEqualTo(Outcome.SAVED);
        assertThat(Outcome.NO_ACTION.code()).isEqualTo("no_action");
        assertThatThrownBy(() -> Status.parse("later")).isInstanceOf(QueueException.class)
                .hasMessage("unknown status 'later' (one of open, claimed, done, dismissed, snoozed, superseded)");
        assertThatThrownBy(() -> Outcome.parse(null)).isInstanceOf(QueueException.class)
                .hasMessageContaining("unknown outcome 'null'");
    }

    @Test
    void aQueueFileThatDoesNotExistIsRefusedRatherThanCreatedEmpty(@TempDir Path dir) {
        Path typo = dir.resolve("sikn.db");

        assertThatThrownBy(() -> ActionQueue.open("jdbc:sqlite:" + typo)).isInstanceOf(QueueException.class)
                .hasMessageContaining("no queue database at " + typo);
        assertThat(typo).doesNotExist();
    }

    @Test
    void anEmptyQueueFileGetsItsTables(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("sink.db"));

        try (ActionQueue queue = ActionQueue.open("jdbc:sqlite:" + file)) {
            assertThat(queue.list(new QueueFilter(EnumSet.allOf(Status.class), null, null, null, null, 10))).isEmpty();
            assertThat(queue.cooldowns()).containsEntry(SinkDatabase.DEFAULT_COOLDOWN_KEY,
                    SinkDatabase.DEFAULT_COOLDOWN_DAYS);
        }
    }

    @Test
    void theQueuesJsonWritesObjectsWithoutPropertiesRatherThanFailing() throws Exception {
        assertThat(QueueJson.mapper().writeValueAsString(new Object())).isEqualTo("{}");
    }
}
