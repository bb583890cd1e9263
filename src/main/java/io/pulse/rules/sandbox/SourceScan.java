package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.SandboxPolicy.REASONS;
import static io.pulse.rules.sandbox.SandboxPolicy.FACT_PACKAGE;
import static io.pulse.rules.sandbox.SandboxPolicy.LOOP;
import static io.pulse.rules.sandbox.SandboxPolicy.LOOP_KEYWORDS;
import static io.pulse.rules.sandbox.SandboxPolicy.allowed;
import static io.pulse.rules.sandbox.SandboxPolicy.allowedSummary;
import static io.pulse.rules.sandbox.DrlText.blankCommentsAndStrings;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;

/**
 * The check of a pack's DRL text, before compiling: imports, globals and function imports from
 * Drools' parse; every class named anywhere in the rules (simple, imported or fully qualified),
 * reflective members and loop keywords, from a scan of the text without comments and string
 * literals. It covers code that is never compiled to Java bytecode (conditions run in MVEL).
 */
final class SourceScan {
    /** The {@code package} statement: a name, not a use of anything. */
    private static final Pattern PACKAGE_STATEMENT = Pattern.compile("(?m)^[ \\t]*package\\b[^;\\n]*;?");
    /**
     * An {@code import} or {@code global} statement on a line where Drools' parse found one (and
     * checked it): blanked up to its semicolon only, so code after it on the line is still scanned.
     */
    private static final Pattern HEADER_STATEMENT = Pattern.compile("^[ \\t]*(?:import|global)\\b[^;\\n]*;?");
    /** A Java unicode escape: a backslash not itself escaped, then one or more u and four hex digits. */
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("(?<!\\\\)(?:\\\\\\\\)*\\\\u+[0-9A-Fa-f]{4}");
    private static final Pattern NAME_CHAIN =
            Pattern.compile("[A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*");
    private static final Pattern DOT = Pattern.compile("\\s*\\.\\s*");

    private SourceScan() {}

    /** Problems in the DRL text of every file of the pack. */
    static List<Problem> check(DrlSource source, ClassLoader classLoader) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Class<?>> loaded = new HashMap<>();
        for (DrlSource.DrlFile file : source.files()) {
            Map<String, String> imported = new HashMap<>();
            List<String> wildcards = new ArrayList<>();
            String ownPackage = "";
            PackageDescr descr = file.descr();
            Set<Integer> headerLines = new HashSet<>();
            if (descr != null) {
                ownPackage = descr.getName() == null || descr.getName().isEmpty() ? "" : descr.getName() + ".";
                checkHeader(file.name(), descr, classLoader, loaded, imported, wildcards, problems);
                descr.getImports().forEach(i -> headerLines.add(i.getLine()));
                descr.getFunctionImports().forEach(i -> headerLines.add(i.getLine()));
                descr.getAccumulateImports().forEach(i -> headerLines.add(i.getLine()));
                descr.getGlobals().forEach(g -> headerLines.add(g.getLine()));
            }
            refuseUnicodeEscapes(file.name(), file.text(), problems);
            scanText(file.name(), file.text(), headerLines, ownPackage, imported, wildcards, classLoader, loaded,
                    problems);
        }
        return problems;
    }

    private static void checkHeader(String file, PackageDescr descr, ClassLoader classLoader, Map<String, Class<?>> loaded,
                                    Map<String, String> imported, List<String> wildcards, List<Problem> problems) {
        for (ImportDescr i : descr.getImports()) {
            String target = i.getTarget().strip();
            if (target.endsWith(".*")) {
                String pkg = target.substring(0, target.length() - 1);
                if (pkg.equals(FACT_PACKAGE)) {
                    wildcards.add(pkg);
                } else {
                    problems.add(new Problem(file, i.getLine(), "import " + target + " is not allowed: import the "
                            + "classes you use one by one, from " + allowedSummary()));
                }
                continue;
            }
            Class<?> c = load(target, classLoader, loaded);
            String name = c != null ? c.getName() : target;
            if (!allowed(name)) {
                problems.add(new Problem(file, i.getLine(), "import " + target + " is not allowed in rules: "
                        + "they may use " + allowedSummary()));
            }
            imported.put(target.substring(target.lastIndexOf('.') + 1), name);
        }
        for (var i : descr.getFunctionImports()) {
            problems.add(new Problem(file, i.getLine(), "import function " + i.getTarget()
                    + " is not allowed: write the function in the pack, or use the fact model"));
        }
        for (var i : descr.getAccumulateImports()) {
            problems.add(new Problem(file, i.getLine(), "import accumulate " + i.getTarget()
                    + " is not allowed: use Drools' built-in accumulate functions"));
        }
        String mvel = "dialect \"mvel\" is not allowed: then parts are Java (the default dialect), whose compiled "
                + "code the sandbox checks";
        if ("mvel".equals(descr.getAttributes().stream().filter(a -> a.getName().equals("dialect"))
                .map(a -> a.getValue()).findFirst().orElse(null))) {
            problems.add(new Problem(file, descr.getAttributes().stream().filter(a -> a.getName().equals("dialect"))
                    .findFirst().get().getLine(), mvel));
        }
        for (var rule : descr.getRules()) {
            var dialect = rule.getAttributes().get("dialect");
            if (dialect != null && "mvel".equals(dialect.getValue())) {
                problems.add(new Problem(file, rule.getLine(), "in rule \"" + rule.getName() + "\": " + mvel));
            }
        }
        for (GlobalDescr g : descr.getGlobals()) {
            problems.add(new Problem(file, g.getLine(), "global " + g.getType() + " " + g.getIdentifier()
                    + " is not allowed: Pulse gives rules no globals; everything a rule reads is a fact"));
        }
    }

    /** The code with the header statement of each of {@code lines} (1-based) blanked. */
    private static String blankHeaderStatements(String code, Set<Integer> lines) {
        StringBuilder out = new StringBuilder(code);
        int line = 1;
        for (int start = 0; start < code.length(); line++) {
            int end = code.indexOf('\n', start);
            end = end < 0 ? code.length() : end;
            if (lines.contains(line)) {
                Matcher m = HEADER_STATEMENT.matcher(code.substring(start, end));
                if (m.find()) {
                    for (int i = start + m.start(); i < start + m.end(); i++) {
                        out.setCharAt(i, ' ');
                    }
                }
            }
            start = end + 1;
        }
        return out.toString();
    }

    /**
     * Java decodes {@code \\uXXXX} before it parses, anywhere in the text: an escape can end a
     * comment or a string and turn what the scan reads as text into code. Refused everywhere.
     */
    private static void refuseUnicodeEscapes(String file, String text, List<Problem> problems) {
        Matcher m = UNICODE_ESCAPE.matcher(text);
        Set<Integer> lines = new HashSet<>();
        while (m.find()) {
            int line = 1;
            for (int i = 0; i < m.start(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            if (lines.add(line)) {
                problems.add(new Problem(file, line, "unicode escapes (\\u" + m.group().substring(m.group()
                        .lastIndexOf('u') + 1) + ") are not allowed in rule files: write the character itself"));
            }
        }
    }

    /**
     * Every name chain ({@code a.b.C.d}) of the text outside comments, string literals and header
     * statements: a class it names must be allowed, a member it names must not be a reflective one,
     * and no loop keyword may appear.
     */
    private static void scanText(String file, String text, Set<Integer> headerLines, String ownPackage,
                                 Map<String, String> imported, List<String> wildcards, ClassLoader classLoader,
                                 Map<String, Class<?>> loaded, List<Problem> problems) {
        String code = blankHeaderStatements(PACKAGE_STATEMENT.matcher(blankCommentsAndStrings(text))
                .replaceAll(m -> " ".repeat(m.group().length())), headerLines);
        Set<String> reported = new HashSet<>();
        Matcher m = NAME_CHAIN.matcher(code);
        int line = 1;
        int counted = 0; // line breaks counted up to here: matches come in text order
        while (m.find()) {
            String[] parts = DOT.split(m.group());
            for (; counted < m.start(); counted++) {
                if (code.charAt(counted) == '\n') {
                    line++;
                }
            }
            String problem = chainProblem(parts, afterDot(code, m.start()), ownPackage, imported, wildcards,
                    classLoader, loaded);
            if (problem != null && reported.add(line + problem)) {
                problems.add(new Problem(file, line, problem));
            }
        }
    }

    /** Whether the chain starting at {@code start} follows a dot: a member of what a call or index returned. */
    private static boolean afterDot(String code, int start) {
        int i = start - 1;
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        return i >= 0 && code.charAt(i) == '.';
    }

    /**
     * @param members whether the chain continues an expression ({@code x().getClass()}): then every
     *                part is a member, none a class name
     */
    private static String chainProblem(String[] parts, boolean members, String ownPackage, Map<String, String> imported,
                                       List<String> wildcards, ClassLoader classLoader, Map<String, Class<?>> loaded) {
        if (parts.length == 1 && !members && LOOP_KEYWORDS.contains(parts[0])) {
            return LOOP + " (\"" + parts[0] + "\")";
        }
        for (int i = members ? 0 : 1; i < parts.length; i++) {
            String why = REASONS.get(parts[i]);
            if (why != null) {
                return "\"" + String.join(".", parts) + "\" is not allowed in rules: " + why;
            }
        }
        String first = parts[0];
        if (members || first.startsWith("$")) {
            return null; // a binding
        }
        Class<?> named = null;
        if (imported.containsKey(first)) {
            return null; // checked at its import
        }
        if (Character.isUpperCase(first.charAt(0))) {
            named = load("java.lang." + first, classLoader, loaded);
            for (int w = 0; named == null && w < wildcards.size(); w++) {
                named = load(wildcards.get(w) + first, classLoader, loaded);
            }
            if (named == null && !ownPackage.isEmpty()) {
                named = load(ownPackage + first, classLoader, loaded);
            }
        } else if (parts.length > 1) {
            // A fully qualified name: the longest prefix that is a class (a.b.C, then a.b.C.D nested).
            StringBuilder prefix = new StringBuilder(first);
            for (int i = 1; i < parts.length && named == null; i++) {
                prefix.append('.').append(parts[i]);
                if (Character.isUpperCase(parts[i].charAt(0))) {
                    named = load(prefix.toString(), classLoader, loaded);
                }
            }
        }
        if (named != null && !allowed(named.getName())) {
            return named.getName() + " is not allowed in rules: they may use " + allowedSummary();
        }
        return null;
    }

    private static Class<?> load(String name, ClassLoader classLoader, Map<String, Class<?>> loaded) {
        if (loaded.containsKey(name)) {
            return loaded.get(name);
        }
        Class<?> c;
        try {
            c = Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            c = null;
        }
        loaded.put(name, c);
        return c;
    }
}
