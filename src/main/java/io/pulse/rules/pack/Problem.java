package io.pulse.rules.pack;

/** One compile problem of the rule pack: where it is and what is wrong. */
public record Problem(String file, int line, String message) implements Comparable<Problem> {
    @Override
    public int compareTo(Problem o) {
        int byFile = file.compareTo(o.file);
        return byFile != 0 ? byFile : Integer.compare(line, o.line);
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
