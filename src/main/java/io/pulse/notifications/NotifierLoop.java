package io.pulse.notifications;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Runs the notifier on its own thread: every {@code interval}, new history into the outbox, then
 * a delivery round. A failing round (a database that is away) is logged and tried again at the next
 * tick; the queue and the pipeline never wait for it.
 */
public final class NotifierLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifierLoop.class);

    private final Thread thread;
    private volatile boolean running = true;

    private NotifierLoop(Notifier notifier, Duration interval) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    notifier.enqueue();
                    Notifier.Round round = notifier.deliverDue();
                    if (round.parked() > 0) {
                        LOG.warn("{} notification(s) parked after their last attempt: see pulse queue notify --status"
                                + " parked", round.parked());
                    }
                } catch (Exception e) {
                    LOG.warn("notification round failed, trying again in {}: {}", interval, e.toString());
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "pulse-notifier");
        thread.setDaemon(true);
    }

    public static NotifierLoop start(Notifier notifier, Duration interval) {
        NotifierLoop loop = new NotifierLoop(notifier, interval);
        loop.thread.start();
        return loop;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
