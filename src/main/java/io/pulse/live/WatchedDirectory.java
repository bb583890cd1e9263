package io.pulse.live;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Publishes batches into the directory a live job watches: each batch becomes one new JSON-lines
 * file, written and synced under a hidden name (the directory source skips names starting with a
 * dot) and then renamed into place, so the job never reads a file half-written and a batch that
 * was published survives a crash.
 */
public final class WatchedDirectory implements EventPublisher {
    private final Path directory;

    public WatchedDirectory(Path directory) {
        this.directory = directory;
    }

    @Override
    public void publish(List<Line> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        Files.createDirectories(directory);
        String name = "batch-" + System.currentTimeMillis() + "-" + UUID.randomUUID() + ".jsonl";
        Path hidden = directory.resolve("." + name + ".part");
        StringBuilder text = new StringBuilder();
        for (Line line : batch) {
            text.append(line.json()).append('\n');
        }
        try (FileChannel out = FileChannel.open(hidden, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(StandardCharsets.UTF_8.encode(text.toString()));
            out.force(true);
        }
        Path target = directory.resolve(name);
        try {
            Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.delete(hidden);
            throw new IOException("cannot rename atomically inside " + directory + ": " + e.getMessage(), e);
        }
        syncDirectory();
    }

    /** Makes the rename durable (a no-op where directories cannot be opened, as on Windows). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not supported on this platform: the rename is as durable as the file system makes it
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return directory.toString();
    }
}
