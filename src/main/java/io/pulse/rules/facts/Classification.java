package io.pulse.rules.facts;

import java.util.Set;
import java.util.TreeSet;

/** Shared check of the classification facts' values, so a misspelt tier fails where it is written. */
final class Classification {
    private Classification() {}

    static String check(String fact, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(
                    fact + " must be one of " + new TreeSet<>(allowed) + ", not \"" + value + "\"");
        }
        return value;
    }
}
