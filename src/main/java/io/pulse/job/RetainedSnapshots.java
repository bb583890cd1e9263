package io.pulse.job;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the state a job resumes from: a savepoint or a retained checkpoint. Flink writes a
 * snapshot as a directory whose {@code _metadata} file is written last, so a directory without one
 * is a checkpoint that never completed.
 */
public final class RetainedSnapshots {
    /** The file Flink writes last into a complete savepoint or checkpoint directory. */
    static final String METADATA = "_metadata";
    /** {@code <checkpoints>/<job id>/chk-N/_metadata}: how deep a checkpoint directory's snapshots lie. */
    private static final int SEARCH_DEPTH = 3;

    private RetainedSnapshots() {}

    /**
     * {@code path} itself when it is a complete snapshot (it holds {@code _metadata}), else the
     * newest complete snapshot below it (by the time its {@code _metadata} was written): pass a
     * savepoint, a {@code chk-N} directory, a job's checkpoint directory or the checkpoint root.
     *
     * @throws IllegalArgumentException naming {@code path} when it holds no complete snapshot
     */
    public static Path resolve(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no savepoint or checkpoint directory at " + path);
        }
        if (Files.isRegularFile(path.resolve(METADATA))) {
            return path;
        }
        Path[] newest = {null};
        FileTime[] newestAt = {null};
        // A running job deletes the checkpoints its new ones subsume: skip what vanishes meanwhile.
        Files.walkFileTree(path, Set.of(), SEARCH_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && file.getFileName().toString().equals(METADATA)
                        && (newestAt[0] == null || attributes.lastModifiedTime().compareTo(newestAt[0]) > 0)) {
                    newest[0] = file.getParent();
                    newestAt[0] = attributes.lastModifiedTime();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return Optional.ofNullable(newest[0]).orElseThrow(() -> new IllegalArgumentException(
                "no complete savepoint or checkpoint in " + path
                + " (a complete one is a directory with a " + METADATA + " file)"));
    }
}
