package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandboxTest;
import static io.pulse.testing.RulePackFixtures.PACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
    void callersAtTheSameTimeWaitForOneCompile() throws Exception {
        CompiledPacks packs = new CompiledPacks();
        RuleSet pack = RuleSet.load(PACK);
        ClassLoader loader = RuleEngine.class.getClassLoader();
        CompiledPack compiled = RuleEngine.compile(pack).compiled();
        AtomicInteger compiles = new AtomicInteger();
        CountDownLatch allAsking = new CountDownLatch(4);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<CompiledPack>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(threads.submit(() -> {
                    allAsking.countDown();
                    allAsking.await();
                    return packs.get(pack, loader, () -> {
                        compiles.incrementAndGet();
                        LockSupport.parkNanos(200_000_000L); // long enough for the others to ask meanwhile
                        return compiled;
                    });
                }));
            }
            for (Future<CompiledPack> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(compiled);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(compiles).hasValue(1);
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
