package io.pulse.rules.engine;

import io.pulse.rules.pack.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.drools.compiler.compiler.DescrBuildError;
import org.drools.drl.ast.descr.RuleDescr;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderError;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.io.ResourceFactory;
import org.kie.internal.jci.CompilationProblem;

/**
 * Turns Drools build messages into {@code file:line: message} against the rules directory, in the
 * words a rule author needs: one line per problem, the file name as in {@code rules/}, and for an
 * error in a rule's {@code then} part the DRL line of the faulty statement (Drools itself reports
 * the line where the rule starts).
 */
final class DrlProblems {
    /** Drools' prefix for a Java compile error in a consequence. */
    private static final String CONSEQUENCE_ERROR = "Rule Compilation error";
    /**
     * Lines of the generated rule class between the consequence offset Drools records and the
     * first line of the consequence (Drools 10.2, classic Java dialect; RuleEngineTest pins it).
     */
    private static final int GENERATED_HEADER_LINES = 3;

    private DrlProblems() {}

    /** Every build error of the pack, mapped and cleaned; {@code files} are the DRL texts by name. */
    static List<Problem> of(Collection<? extends KnowledgeBuilderResult> errors, Map<String, String> files,
                            ClassLoader classLoader) {
        List<Problem> problems = new ArrayList<>();
        List<String> refined = new ArrayList<>();
        for (KnowledgeBuilderResult e : errors) {
            String path = e.getResource() == null || e.getResource().getSourcePath() == null ? ""
                    : e.getResource().getSourcePath();
            String file = path.isEmpty() ? "?" : path.substring(path.lastIndexOf('/') + 1);
            String text = e.getMessage() == null ? "" : e.getMessage();
            if (text.startsWith(CONSEQUENCE_ERROR) && files.containsKey(file)) {
                if (!refined.contains(file)) {
                    refined.add(file);
                    problems.addAll(consequenceProblems(file, files.get(file), classLoader));
                }
                continue;
            }
            int[] lines = e.getLines();
            problems.add(new Problem(file, lines.length > 0 ? Math.max(lines[0], 0) : 0, clean(text)));
        }
        // "Parser returned a null Package" only repeats that the file has syntax errors.
        problems.removeIf(p -> p.message().startsWith("Parser returned a null Package")
                && problems.stream().anyMatch(o -> o != p && o.file().equals(p.file())));
        // "Field Reader does not exist" comes with a clearer message about the same field.
        problems.removeIf(p -> p.message().startsWith("Field Reader does not exist")
                && problems.stream().anyMatch(o -> o != p && o.file().equals(p.file()) && o.line() == p.line()));
        return problems;
    }

    /**
     * Java errors in the {@code then} parts of one file, at their DRL lines: the file is built once
     * more with a KnowledgeBuilder, whose errors keep the compiler's problems (lines in the
     * generated rule class) and the rule's consequence position, from which the DRL line follows.
     */
    private static List<Problem> consequenceProblems(String file, String drl, ClassLoader classLoader) {
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder(
                KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration(null, classLoader));
        builder.add(ResourceFactory.newByteArrayResource(drl.getBytes(StandardCharsets.UTF_8)).setSourcePath(file),
                ResourceType.DRL);
        List<Problem> problems = new ArrayList<>();
        for (KnowledgeBuilderError e : builder.getErrors()) {
            if (e instanceof DescrBuildError error && error.getMessage().startsWith(CONSEQUENCE_ERROR)
                    && error.getDescr() instanceof RuleDescr rule && error.getObject() instanceof CompilationProblem[] cps) {
                for (CompilationProblem cp : cps) {
                    if (cp.isError()) {
                        int line = Math.max(rule.getConsequenceLine(), rule.getConsequenceLine() + cp.getStartLine()
                                - rule.getConsequenceOffset() - GENERATED_HEADER_LINES);
                        problems.add(new Problem(file, line, "in the then part of rule \"" + rule.getName() + "\": "
                                + cp.getMessage()));
                    }
                }
            }
        }
        if (problems.isEmpty()) { // not expected; keep Drools' own report rather than lose the error
            for (KnowledgeBuilderError e : builder.getErrors()) {
                if (e.getMessage().startsWith(CONSEQUENCE_ERROR)) {
                    int[] lines = e.getLines();
                    problems.add(new Problem(file, lines.length > 0 ? lines[0] : 0, clean(e.getMessage())));
                }
            }
        }
        return problems;
    }

    /**
     * One line per problem: drops the caret and "[Near"/"[Line" lines of MVEL messages and the
     * "[ERR 102] Line 12:4" prefix of parser messages (the line is already in front).
     */
    static String clean(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.equals("^") || l.startsWith("[Near") || l.startsWith("[Line:")) {
                continue;
            }
            l = l.replaceFirst("^\\[ERR \\d+\\] Line \\d+:(\\d+) (.*)$", "$2 (column $1)");
            if (l.startsWith("[Error: ") && l.endsWith("]")) {
                l = l.substring(8, l.length() - 1);
            }
            // "unable to resolve method using strict-mode: io.pulse.rules.facts.RiskTier.level()"
            l = l.replaceFirst("unable to resolve method using strict-mode: (?:[\\w$]+\\.)*([\\w$]+)\\.([\\w$]+)\\(\\)",
                    "$1 has no field or method '$2'");
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(l);
        }
        return out.toString();
    }

    /** 1-based line of a character offset. */
    static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
