package io.pulse.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetainedSnapshotsTest {
    @TempDir
    Path root;

    private Path snapshot(String dir, long writtenAtMillis) throws IOException {
        Path d = Files.createDirectories(root.resolve(dir));
        Path metadata = Files.writeString(d.resolve(RetainedSnapshots.METADATA), "x");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(writtenAtMillis));
        return d;
    }

    @Test
    void aSnapshotDirectoryIsUsedAsItIs() throws IOException {
        Path savepoint = snapshot("savepoint-1a2b3c-0123456789ab", 1_000);
        snapshot("job-b/chk-9", 9_000);
        assertThat(RetainedSnapshots.resolve(savepoint)).isEqualTo(savepoint);
    }

    @Test
    void aCheckpointDirectoryGivesItsNewestCompleteCheckpointWhateverTheJob() throws IOException {
        snapshot("job-a/chk-12", 5_000);
        Path newest = snapshot("job-b/chk-3", 7_000);
        snapshot("job-b/chk-2", 6_000);
        Files.createDirectories(root.resolve("job-b/chk-4")); // still being written: no _metadata yet
        Files.createDirectories(root.resolve("job-b/shared"));
        assertThat(RetainedSnapshots.resolve(root)).isEqualTo(newest);
        assertThat(RetainedSnapshots.resolve(root.resolve("job-a"))).isEqualTo(root.resolve("job-a/chk-12"));
    }

    @Test
    void noCompleteSnapshotIsAClearError() throws IOException {
        Files.createDirectories(root.resolve("job-a/chk-1"));
        assertThatThrownBy(() -> RetainedSnapshots.resolve(root)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no complete savepoint or checkpoint in " + root);
        assertThatThrownBy(() -> RetainedSnapshots.resolve(root.resolve("missing")))
                .hasMessageContaining("no savepoint or checkpoint directory at");
    }
}
