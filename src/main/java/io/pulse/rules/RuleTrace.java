package io.pulse.rules;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.rule.Match;

/**
 * Records one evaluation: which rules fired, in order, with the values of their bindings, and
 * which firing inserted which fact. From that, {@link #explain} gives the chain of rules behind a
 * derived fact: a strategy, the classification facts it matched, the rules that derived those, and
 * so on back to the input facts. The firing order is Drools' agenda order, which is deterministic
 * for the same rules and the same facts inserted in the same order.
 */
final class RuleTrace extends DefaultAgendaEventListener implements RuleRuntimeEventListener {

    /** One rule firing: its sequence number, rule name, binding values and the firings it built on. */
    record Firing(int seq, String rule, Map<String, Object> facts, List<Firing> causes) {}

    private final List<Firing> firings = new ArrayList<>();
    private final IdentityHashMap<Object, Firing> producedBy = new IdentityHashMap<>();
    /** Facts inserted by rules (not the input facts), in insertion order. */
    private final List<Object> derived = new ArrayList<>();
    private Firing current;

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        Match match = event.getMatch();
        List<Firing> causes = new ArrayList<>(2);
        for (Object o : match.getObjects()) {
            Firing cause = o == null ? null : producedBy.get(o);
            if (cause != null && !causes.contains(cause)) {
                causes.add(cause);
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        for (String id : match.getDeclarationIds()) {
            Object value = match.getDeclarationValue(id);
            if (isScalar(value)) {
                facts.put(id.startsWith("$") ? id.substring(1) : id, value);
            }
        }
        current = new Firing(firings.size(), match.getRule().getName(), facts, causes);
        firings.add(current);
    }

    @Override
    public void afterMatchFired(org.kie.api.event.rule.AfterMatchFiredEvent event) {
        current = null;
    }

    @Override
    public void objectInserted(ObjectInsertedEvent event) {
        if (current != null) {
            producedBy.put(event.getObject(), current);
            derived.add(event.getObject());
        }
    }

    @Override
    public void objectUpdated(ObjectUpdatedEvent event) {}

    @Override
    public void objectDeleted(ObjectDeletedEvent event) {}

    List<Firing> firings() {
        return firings;
    }

    List<Object> derived() {
        return derived;
    }

    /** The rule that inserted a derived fact, or null for an input fact. */
    Firing producer(Object fact) {
        return producedBy.get(fact);
    }

    /** The firing that inserted {@code fact} and every firing it built on, in firing order. */
    List<Firing> explain(Object fact) {
        Firing last = producedBy.get(fact);
        if (last == null) {
            return List.of();
        }
        boolean[] seen = new boolean[firings.size()];
        collect(last, seen);
        List<Firing> chain = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (seen[i]) {
                chain.add(firings.get(i));
            }
        }
        return chain;
    }

    private static void collect(Firing f, boolean[] seen) {
        if (!seen[f.seq()]) {
            seen[f.seq()] = true;
            for (Firing cause : f.causes()) {
                collect(cause, seen);
            }
        }
    }

    private static boolean isScalar(Object v) {
        return v instanceof Number || v instanceof CharSequence || v instanceof Boolean || v instanceof Enum<?>
                || v instanceof Character;
    }
}
