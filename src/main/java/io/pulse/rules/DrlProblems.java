package io.pulse.rules;

import java.util.Map;
import org.kie.api.builder.Message;

/** Turns a Drools build message into {@code file:line: message} against the rules directory. */
final class DrlProblems {
    private DrlProblems() {}

    static Problem of(Message m, Map<String, String> files) {
        String path = m.getPath() == null ? "" : m.getPath();
        String file = path.substring(path.lastIndexOf('/') + 1);
        return new Problem(file.isEmpty() ? "?" : file, Math.max(m.getLine(), 0), m.getText());
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
