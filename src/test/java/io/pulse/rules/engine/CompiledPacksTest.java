package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandboxTest;
import io.pulse.testing.SinkPolling;
import static io.pulse.testing.RulePackFixtures.PACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule pack is compiled once per JVM and class loader, however many threads ask for it at once. */
class CompiledPacksTest {

    @Test
    void engineSharedAskedTwiceIsTwoEnginesOnOneCompiledPack() throws Exception {
        ClassLoader loader = new URLClassLoader(new URL[0], RuleEngine.class.getClassLoader());
        RuleSet pack = RuleSet.load(PACK);
        RuleEngine first = RuleEngine.shared(pack, loader);
        RuleEngine second = RuleEngine.shared(pack, loader);

        assertThat(second).isNotSameAs(first);
        assertThat(second.kieBase()).isSameAs(first.kieBase());
        assertThat(RuleEngine.shared(pack, new URLClassLoader(new URL[0], RuleEngine.class.getClassLoader())).kieBase())
                .as("another class loader (another job) compiles its own").isNotSameAs(first.kieBase());
    }

    @Test
    void callersWhileACompileRunsWaitForItAndGetItsPack() throws Exception {
        CompiledPacks packs = new CompiledPacks();
        RuleSet pack = RuleSet.load(PACK);
        CompiledPack compiled = RuleEngine.compile(pack).compiled();
        AtomicInteger compiles = new AtomicInteger();

        List<Future<CompiledPack>> results = whileOneCompiles(packs, pack, compiles, release -> {
            release.await();
            return compiled;
        });

        for (Future<CompiledPack> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(compiled);
        }
        assertThat(compiles).as("compiles run: the first caller's only").hasValue(1);
    }

    @Test
    void callersWaitingForACompileThatFailsGetItsProblemsAndTheNextCallerCompilesAgain() throws Exception {
        CompiledPacks packs = new CompiledPacks();
        RuleSet pack = RuleSet.load(PACK);
        AtomicInteger compiles = new AtomicInteger();

        List<Future<CompiledPack>> results = whileOneCompiles(packs, pack, compiles, release -> {
            release.await();
            throw new RuleCompilationException(List.of("rules.drl:3: broken"));
        });

        for (Future<CompiledPack> result : results) {
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RuleCompilationException.class).hasMessageContaining("rules.drl:3: broken");
        }
        assertThat(compiles).hasValue(1);
        CompiledPack compiled = RuleEngine.compile(pack).compiled();
        assertThat(packs.get(pack, RuleEngine.class.getClassLoader(), () -> compiled)).isSameAs(compiled);
    }

    interface BlockedCompile {
        CompiledPack run(CountDownLatch release) throws Exception;
    }

    /**
     * One caller starts a compile that blocks; three more ask for the same pack, and only once all
     * three wait for the running compile is it released. Returns the four callers' results.
     */
    private static List<Future<CompiledPack>> whileOneCompiles(CompiledPacks packs, RuleSet pack,
                                                               AtomicInteger compiles, BlockedCompile compile)
            throws Exception {
        ClassLoader loader = RuleEngine.class.getClassLoader();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompiledPacks.Compile blocked = () -> {
            compiles.incrementAndGet();
            started.countDown();
            try {
                return compile.run(release);
            } catch (RuleCompilationException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        CompiledPacks.Compile mustNotRun = () -> {
            compiles.incrementAndGet();
            throw new AssertionError("a second compile of a pack whose compile is running");
        };
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Thread> waiters = new CopyOnWriteArrayList<>();
        try {
            List<Future<CompiledPack>> results = new ArrayList<>();
            results.add(threads.submit(() -> packs.get(pack, loader, blocked)));
            assertThat(started.await(10, TimeUnit.SECONDS)).as("the first compile started").isTrue();
            for (int i = 0; i < 3; i++) {
                results.add(threads.submit(() -> {
                    waiters.add(Thread.currentThread());
                    return packs.get(pack, loader, mustNotRun);
                }));
            }
            SinkPolling.waitFor("three callers waiting for the running compile", Duration.ofSeconds(10),
                    () -> waiters.size() == 3 && waiters.stream().allMatch(CompiledPacksTest::waitsForTheRunningCompile),
                    () -> waiters.stream().map(t -> t.getName() + (waitsForTheRunningCompile(t)
                            ? " waits in CompiledPacks.await" : " " + t.getState() + " elsewhere")).toList().toString());
            release.countDown();
            for (Future<CompiledPack> result : results) {
                try {
                    result.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // the caller asserts on the outcome
                }
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Parked in {@code CompiledPacks.await}: the only place a caller waits for another's compile. */
    private static boolean waitsForTheRunningCompile(Thread t) {
        return t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(CompiledPacks.class.getName()) && f.getMethodName().equals("await"));
    }

    @Test
    void aPackThatDoesNotCompileIsReportedAndNotKept(@TempDir Path dir) throws Exception {
        RuleSet broken = RuleSet.load(RuleSandboxTest.packWith(dir, "forbidden-import.drl"));
        ClassLoader loader = new URLClassLoader(new URL[0], RuleEngine.class.getClassLoader());

        assertThatThrownBy(() -> RuleEngine.shared(broken, loader)).isInstanceOf(RuleCompilationException.class)
                .hasMessageContaining("forbidden-import.drl:");
        CompiledPacks packs = new CompiledPacks();
        AtomicInteger compiles = new AtomicInteger();
        CompiledPacks.Compile failing = () -> {
            compiles.incrementAndGet();
            throw new RuleCompilationException(List.of("forbidden-import.drl:3: broken"));
        };
        assertThatThrownBy(() -> packs.get(broken, loader, failing)).isInstanceOf(RuleCompilationException.class);
        assertThatThrownBy(() -> packs.get(broken, loader, failing)).isInstanceOf(RuleCompilationException.class);
        assertThat(compiles).as("a failed compile is tried again, not remembered").hasValue(2);
    }
}
