package io.pulse.rules.pack;

import io.pulse.events.DeclaredTable;
import io.pulse.features.BuiltInSources;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.facts.Parameters;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The rule pack as text: every {@code *.drl} file plus {@value #PARAMETERS_FILE} (and
 * {@value #FEATURES_FILE}, when the pack declares features) of one directory
 * (not its sub-directories, where scenarios live), keyed by file name. Small and serializable, so
 * it travels inside the Flink job graph and over a broadcast stream; the rule engine
 * turns it into something that runs.
 */
public final class RuleSet implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The one file of thresholds and weights a business user edits. */
    public static final String PARAMETERS_FILE = "parameters.json";
    /** The features the pack declares (optional). */
    public static final String FEATURES_FILE = FeatureDeclarations.FILE;

    private final TreeMap<String, String> files;
    /** Rule files that were not read, with the reason: the pack cannot compile while there are any. */
    private final TreeMap<String, String> refused;
    private final String version;

    private RuleSet(TreeMap<String, String> files, TreeMap<String, String> refused) {
        this.files = files;
        this.refused = refused;
        this.version = hash(files, refused);
    }

    /**
     * Reads every {@code *.drl} and {@value #PARAMETERS_FILE} directly in {@code dir}. Each must be
     * a regular file there: a symbolic link (which could point anywhere the job can read) or any
     * other kind of file under a rule file's name is not read but {@link #refused}, so the pack is
     * rejected when compiled, with the reason, like any other problem of the pack.
     */
    public static RuleSet load(Path dir) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        TreeMap<String, String> refused = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!isRuleFile(name)) {
                    continue;
                }
                if (Files.isSymbolicLink(p) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    refused.put(name, (Files.isSymbolicLink(p) ? "a symbolic link" : "not a regular file")
                            + ": rule files must be regular files inside the rules directory");
                    continue;
                }
                files.put(name, Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        if (files.isEmpty() && refused.isEmpty()) {
            throw new IOException("no *.drl or " + PARAMETERS_FILE + " in " + dir.toAbsolutePath());
        }
        return new RuleSet(files, refused);
    }

    /** A rule set from file name -> content (tests, or rules that arrive over a stream). */
    public static RuleSet of(Map<String, String> files) {
        TreeMap<String, String> copy = new TreeMap<>(files);
        copy.keySet().forEach(name -> {
            if (!isRuleFile(name)) {
                throw new IllegalArgumentException("not a rule pack file: " + name);
            }
        });
        return new RuleSet(copy, new TreeMap<>());
    }

    /** Whether a file of that name belongs to the rule pack. */
    public static boolean isRuleFile(String name) {
        return name.endsWith(".drl") || name.equals(PARAMETERS_FILE) || name.equals(FEATURES_FILE);
    }

    /**
     * Content hash: the first 12 hex digits of SHA-256 over each file's name and content in name
     * order (name, NUL, content, NUL, all UTF-8), then each refused file (name, 1, reason, 1). Equal packs
     * have equal versions on every machine.
     */
    public String version() {
        return version;
    }

    /**
     * The pack's {@value #PARAMETERS_FILE}, read and checked as a compile would, without compiling
     * the rules: for reports that grade with the business's thresholds.
     *
     * @throws RuleCompilationException when the file is missing or has problems ({@code file:line: message})
     */
    public Parameters parameters() throws RuleCompilationException {
        String json = files.get(PARAMETERS_FILE);
        if (json == null) {
            throw new RuleCompilationException(List.of(PARAMETERS_FILE + ":0: missing: the rule pack needs its parameters file"));
        }
        List<Problem> problems = new ArrayList<>();
        Parameters parameters = ParametersReader.read(json, problems);
        if (parameters == null) {
            Collections.sort(problems);
            throw new RuleCompilationException(problems.stream().map(Problem::toString).toList());
        }
        return parameters;
    }

    /**
     * The pack's {@value #FEATURES_FILE}, read as a compile would, without compiling the rules: the
     * features it declares and the further history tables they read (none without the file).
     *
     * @throws RuleCompilationException when the file has problems ({@code file:line: message})
     */
    public FeatureDeclarations declarations() throws RuleCompilationException {
        String yaml = files.get(FEATURES_FILE);
        if (yaml == null) {
            return FeatureDeclarations.NONE;
        }
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = FeatureDeclarations.parse(yaml, BuiltInSources.all(), problems);
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems.stream()
                    .map(p -> new Problem(FEATURES_FILE, p.line(), p.message())).sorted().map(Problem::toString).toList());
        }
        return declared;
    }

    /** The further history tables the pack declares: what a job reads besides Pulse's own ({@link #declarations}). */
    public List<DeclaredTable> declaredTables() throws RuleCompilationException {
        return declarations().tables();
    }

    /** Rule files of the directory that were not read: file name -> why; read-only, usually empty. */
    public SortedMap<String, String> refused() {
        return Collections.unmodifiableSortedMap(refused);
    }

    /** File name -> content, sorted by name; read-only. */
    public SortedMap<String, String> files() {
        return Collections.unmodifiableSortedMap(files);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleSet r && r.files.equals(files) && r.refused.equals(refused);
    }

    @Override
    public int hashCode() {
        return files.hashCode() * 31 + refused.hashCode();
    }

    @Override
    public String toString() {
        return "RuleSet[" + version + ", " + files.keySet() + "]";
    }

    private static String hash(SortedMap<String, String> files, SortedMap<String, String> refused) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> f : files.entrySet()) {
                sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.getValue().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            for (Map.Entry<String, String> f : refused.entrySet()) {
                sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 1);
                sha.update(f.getValue().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 1);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
