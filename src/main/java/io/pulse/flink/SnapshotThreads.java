package io.pulse.flink;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the threads that write a checkpoint's asynchronous part (each task's {@code AsyncOperations}
 * pool) at the lowest Java priority, so that on a busy machine they yield the cores to the tasks
 * that process records. A checkpoint of the heap state backend is a burst of serialization; at
 * equal priority it shares the cores with the tasks and every event in flight waits (see
 * BENCHMARKS.md, "Event-to-action latency"). The checkpoint then takes a little longer, which
 * nothing waits for.
 *
 * <p>A Java priority reaches the operating system only when the JVM maps it: on Linux with
 * {@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19} (nice 19; lowering a
 * priority needs no permission), as {@code pulse live} starts the JVM (it also maps priorities 6-10
 * to nice 0, so the JVM's own threads keep theirs; README, "Running on a cluster"). Without those
 * flags this changes nothing and says so once.
 *
 * <p>Called from the stateful functions' {@code notifyCheckpointComplete}, in a task thread: the
 * pools' threads are created by task threads, so they share its thread group, and they live on
 * between checkpoints (Flink keeps an idle one for 60 s), so from the second checkpoint on every
 * snapshot runs at the low priority.
 */
public final class SnapshotThreads {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotThreads.class);

    /** The name Flink gives the threads of a task's pool for asynchronous checkpoint work. */
    static final String POOL_NAME_PREFIX = "AsyncOperations";

    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private SnapshotThreads() {}

    /**
     * Lowers every snapshot thread of the calling thread's group that is not at the lowest priority
     * yet; returns how many it lowered.
     */
    public static int yieldToRecordProcessing() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        int lowered = 0;
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t.getName().startsWith(POOL_NAME_PREFIX) && t.getPriority() != Thread.MIN_PRIORITY) {
                t.setPriority(Thread.MIN_PRIORITY);
                lowered++;
            }
        }
        if (lowered > 0 && REPORTED.compareAndSet(false, true)) {
            String policy = vmOption("ThreadPriorityPolicy");
            if ("1".equals(policy)) {
                LOG.info("Checkpoint snapshot threads run at the lowest priority (Java 1 = OS priority {})"
                        + " so that record processing keeps the cores", vmOption("JavaPriority1_To_OSPriority"));
            } else {
                LOG.info("Checkpoint snapshot threads set to the lowest Java priority, which this JVM does not"
                        + " pass to the OS (ThreadPriorityPolicy={}): start it with -XX:ThreadPriorityPolicy=1"
                        + " -XX:JavaPriority1_To_OSPriority=19 (as pulse live does) for a shorter latency tail", policy);
            }
        }
        return lowered;
    }

    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException e) { // not a HotSpot JVM
            return "unknown";
        }
    }
}
