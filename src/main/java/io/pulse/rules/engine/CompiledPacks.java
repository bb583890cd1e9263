package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The rule packs compiled in this JVM, by class loader and content, so that a pack is compiled once
 * however many threads need it (the reload watcher and every evaluator of a TaskManager). Holds
 * nothing alive: a class loader (a finished job's) is a weak key, and a compiled pack is only
 * weakly referenced, kept by the engines that use it. A compile that fails is not kept.
 */
final class CompiledPacks {
    static final CompiledPacks JVM = new CompiledPacks();

    interface Compile {
        CompiledPack run() throws RuleCompilationException;
    }

    /** Per class loader, by pack version: the compiled pack, or the compile still running. */
    private final Map<ClassLoader, Map<String, Entry>> packs = new WeakHashMap<>();

    private static final class Entry {
        final RuleSet rules;
        /** Until the compile ends; then only {@link #compiled}, weakly. */
        CompletableFuture<CompiledPack> compiling = new CompletableFuture<>();
        WeakReference<CompiledPack> compiled;

        Entry(RuleSet rules) {
            this.rules = rules;
        }
    }

    CompiledPack get(RuleSet rules, ClassLoader classLoader, Compile compile) throws RuleCompilationException {
        Entry entry;
        CompletableFuture<CompiledPack> running;
        synchronized (packs) {
            Map<String, Entry> byVersion = packs.computeIfAbsent(classLoader, cl -> new HashMap<>());
            byVersion.values().removeIf(e -> e.compiled != null && e.compiled.get() == null); // no engine uses it
            entry = byVersion.get(rules.version());
            if (entry != null && !entry.rules.files().equals(rules.files())) {
                entry = null; // the version is a truncated hash: other files, same version; not kept
                running = null;
            } else {
                CompiledPack done = entry != null && entry.compiled != null ? entry.compiled.get() : null;
                if (done != null) {
                    return done;
                }
                if (entry == null || entry.compiled != null) { // none yet, or collected since
                    entry = new Entry(rules);
                    byVersion.put(rules.version(), entry);
                    running = null;
                } else {
                    running = entry.compiling;
                }
            }
        }
        if (entry == null) {
            return compile.run();
        }
        return running == null ? compileInto(entry, classLoader, compile) : await(running, rules);
    }

    private CompiledPack compileInto(Entry entry, ClassLoader classLoader, Compile compile)
            throws RuleCompilationException {
        CompletableFuture<CompiledPack> waiting = entry.compiling;
        try {
            CompiledPack compiled = compile.run();
            synchronized (packs) {
                entry.compiled = new WeakReference<>(compiled);
                entry.compiling = null;
            }
            waiting.complete(compiled);
            return compiled;
        } catch (RuleCompilationException | RuntimeException | Error e) {
            synchronized (packs) {
                Map<String, Entry> byVersion = packs.get(classLoader);
                if (byVersion != null) {
                    byVersion.remove(entry.rules.version(), entry);
                }
            }
            waiting.completeExceptionally(e);
            throw e;
        }
    }

    /** Another thread's compile of the same pack: its result, or its problems. */
    private static CompiledPack await(CompletableFuture<CompiledPack> running, RuleSet rules)
            throws RuleCompilationException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the rule pack " + rules.version() + " compiled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuleCompilationException problems) {
                throw problems;
            }
            throw new IllegalStateException("the rule pack " + rules.version() + " did not compile", e.getCause());
        }
    }
}
