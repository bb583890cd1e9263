package io.pulse.rules.pack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;

/**
 * The DRL files of a pack as Drools' own parser reads them ({@link PackageDescr}), and where each
 * rule is written: what the sandbox and the totality lint need to point a problem at
 * {@code file:line}. A file that does not parse has no descr (the compiler reports its errors).
 */
public final class DrlSource {
    /** One DRL file: its name in the rules directory, its text, its parse (null when it does not parse). */
    public record DrlFile(String name, String text, PackageDescr descr) {}

    /** Where a rule is written: its file, the line of {@code rule "..."} and the line of {@code then}. */
    public record RuleLocation(String file, int line, int thenLine) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    private final List<DrlFile> files;
    private final Map<String, RuleLocation> rules;

    private DrlSource(List<DrlFile> files, Map<String, RuleLocation> rules) {
        this.files = files;
        this.rules = rules;
    }

    /** Parses every {@code *.drl} of the pack. */
    public static DrlSource parse(Map<String, String> packFiles) {
        List<DrlFile> files = new ArrayList<>();
        Map<String, RuleLocation> rules = new LinkedHashMap<>();
        packFiles.forEach((name, text) -> {
            if (!name.endsWith(".drl")) {
                return;
            }
            PackageDescr descr = null;
            try {
                DrlParser parser = new DrlParser();
                descr = parser.parse(false, text);
                if (parser.hasErrors()) {
                    descr = null;
                }
            } catch (DroolsParserException e) {
                // reported by the compiler, with its line
            }
            files.add(new DrlFile(name, text, descr));
            if (descr != null) {
                for (RuleDescr r : descr.getRules()) {
                    rules.putIfAbsent(r.getName(), new RuleLocation(name, r.getLine(), r.getConsequenceLine()));
                }
            }
        });
        return new DrlSource(Collections.unmodifiableList(files), Collections.unmodifiableMap(rules));
    }

    public List<DrlFile> files() {
        return files;
    }

    /** Rule name -> where it is written, in file then rule order. */
    Map<String, RuleLocation> rules() {
        return rules;
    }

    /** The rules whose then part names {@code word} (e.g. a fact type they insert), in file order. */
    public List<String> rulesMentioningInThen(String word) {
        Pattern named = Pattern.compile("\\b" + Pattern.quote(word) + "\\b");
        List<String> out = new ArrayList<>();
        for (DrlFile f : files) {
            if (f.descr() != null) {
                for (RuleDescr r : f.descr().getRules()) {
                    if (r.getConsequence() != null && named.matcher(r.getConsequence().toString()).find()) {
                        out.add(r.getName());
                    }
                }
            }
        }
        return out;
    }

    /** Where a rule is written; a location without a line when the rule is unknown (or null). */
    public RuleLocation locate(String rule) {
        RuleLocation at = rule == null ? null : rules.get(rule);
        return at != null ? at : new RuleLocation(files.isEmpty() ? "?" : files.get(0).name(), 0, 0);
    }
}
