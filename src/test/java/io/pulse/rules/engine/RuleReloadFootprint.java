package io.pulse.rules.engine;

import io.pulse.rules.pack.RuleSet;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;

/**
 * What repeated live reloads leave behind: compiles the pack again and again, as a reload does,
 * drops each engine, and prints after every tenth the classes loaded and unloaded so far and the
 * metaspace in use after a full GC. A pack whose classes were kept would show the loaded count and
 * metaspace climbing by one pack's worth per reload. Not a unit test: run it by hand.
 *
 * <pre>
 * ./mvnw -q -o test-compile
 * java -cp target/test-classes:target/classes:$(cat target/pulse.classpath) io.pulse.rules.engine.RuleReloadFootprint [rules-dir] [reloads]
 * </pre>
 */
public final class RuleReloadFootprint {
    private RuleReloadFootprint() {}

    public static void main(String[] args) throws Exception {
        RuleSet rules = RuleSet.load(Path.of(args.length > 0 ? args[0] : "rules"));
        int reloads = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        for (int i = 1; i <= reloads; i++) {
            RuleEngine.compile(rules).ruleNames();
            if (i == 1 || i % 10 == 0) {
                for (int gc = 0; gc < 3; gc++) {
                    System.gc();
                }
                System.out.printf("after %3d compiles: %6d classes loaded now, %6d unloaded so far, metaspace %6.1f MB%n",
                        i, classes.getLoadedClassCount(), classes.getUnloadedClassCount(), metaspaceMb());
            }
        }
    }

    private static double metaspaceMb() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                return pool.getUsage().getUsed() / 1e6;
            }
        }
        return Double.NaN;
    }
}
