package io.pulse.rules.pack;

import java.util.List;

/**
 * A rule pack that does not compile. Each problem reads {@code file:line: message}, with the file
 * name as in the rules directory (e.g. {@code strategies.drl:12: Unable to resolve ...}); line 0
 * when the problem has no line (a missing file).
 */
public class RuleCompilationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public RuleCompilationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One {@code file:line: message} per problem, in file then line order. */
    public List<String> problems() {
        return problems;
    }
}
