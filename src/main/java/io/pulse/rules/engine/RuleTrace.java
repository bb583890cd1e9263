package io.pulse.rules.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.KieRuntime;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.Match;

/**
 * Records one evaluation: which rules fired, in order, with the values of their bindings, and
 * which firing inserted which fact. From that, {@link #explain} gives the chain of rules behind a
 * derived fact: a strategy, the classification facts it matched, the rules that derived those, and
 * so on back to the input facts. The firing order is Drools' agenda order, which is deterministic
 * for the same rules and the same facts inserted in the same order.
 */
final class RuleTrace extends DefaultAgendaEventListener implements RuleRuntimeEventListener {

    /**
     * One rule firing: its sequence number, the rule and its bindings (in the order the rule writes
     * them), their values, and the firings it built on. Bindings to whole facts (an Account, the
     * Parameters) are not shown: only values a person can read.
     */
    record Firing(int seq, BindingOrder.Bindings bindings, Object[] values, List<Firing> causes) {
        String rule() {
            return bindings.rule();
        }

        /** Marks a binding whose value is a whole fact rather than a readable value. */
        static final Object NOT_SHOWN = new Object();
    }

    private final BindingOrder bindingOrder;
    private final int maxFirings;
    private boolean capped;
    /** The time budget, and {@link System#nanoTime} when the evaluation started. */
    private final long maxNanos;
    private long startNanos;
    private boolean overTime;
    /** The rule blamed for running over time, and whether its then part was running then. */
    private String overTimeRule;
    private boolean overTimeInThenPart;
    private final List<Firing> firings = new ArrayList<>();
    private final IdentityHashMap<Object, Firing> producedBy = new IdentityHashMap<>();
    /** Facts inserted by rules (not the input facts), in insertion order. */
    private final List<Object> derived = new ArrayList<>();
    /** Facts updated or deleted by each rule's then part, in this evaluation. */
    private final Map<String, Integer> changesByRule = new HashMap<>();
    private Firing current;

    /**
     * @param maxFirings firings after which the evaluation is halted (see {@link #capped()})
     * @param maxMillis  time after which the evaluation is halted, checked before and after each
     *                   firing (see {@link #overTime()})
     */
    RuleTrace(BindingOrder bindingOrder, int maxFirings, long maxMillis) {
        this.bindingOrder = bindingOrder;
        this.maxFirings = maxFirings;
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
    }

    /** Forgets the previous evaluation and starts the clock of the next. */
    void reset() {
        firings.clear();
        producedBy.clear();
        derived.clear();
        changesByRule.clear();
        current = null;
        capped = false;
        overTime = false;
        overTimeRule = null;
        overTimeInThenPart = false;
        startNanos = System.nanoTime();
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        if (firings.size() >= maxFirings) {
            // A rule keeps re-triggering itself: let this firing be the last one.
            capped = true;
            ((KieSession) event.getKieRuntime()).halt();
        } else if (!overTime && System.nanoTime() - startNanos > maxNanos) {
            // Out of time between firings: let this firing be the last one, blame the one before
            // (none when matching the input facts took that long).
            haltOverTime(event.getKieRuntime(), firings.isEmpty() ? null : firings.get(firings.size() - 1).rule(), false);
        }
        Match match = event.getMatch();
        List<Firing> causes = List.of();
        for (Object o : match.getObjects()) {
            Firing cause = o == null ? null : producedBy.get(o);
            if (cause != null && !causes.contains(cause)) {
                if (causes.isEmpty()) {
                    causes = new ArrayList<>(2);
                }
                causes.add(cause);
            }
        }
        String rule = match.getRule().getName();
        BindingOrder.Bindings bindings = bindingOrder.of(rule, match);
        Object[] values = new Object[bindings.ids().size()];
        for (int i = 0; i < values.length; i++) {
            Object value = match.getDeclarationValue(bindings.ids().get(i));
            values[i] = value == null || isScalar(value) ? value : Firing.NOT_SHOWN;
        }
        current = new Firing(firings.size(), bindings, values, causes);
        firings.add(current);
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        if (!overTime && System.nanoTime() - startNanos > maxNanos) {
            haltOverTime(event.getKieRuntime(), current.rule(), true);
        }
        current = null;
    }

    private void haltOverTime(KieRuntime runtime, String rule, boolean inThenPart) {
        overTime = true;
        overTimeRule = rule;
        overTimeInThenPart = inThenPart;
        ((KieSession) runtime).halt();
    }

    @Override
    public void objectInserted(ObjectInsertedEvent event) {
        if (current != null) {
            producedBy.put(event.getObject(), current);
            derived.add(event.getObject());
        }
    }

    @Override
    public void objectUpdated(ObjectUpdatedEvent event) {
        changed();
    }

    @Override
    public void objectDeleted(ObjectDeletedEvent event) {
        changed();
    }

    private void changed() {
        if (current != null) {
            changesByRule.merge(current.rule(), 1, Integer::sum);
        }
    }

    /** Whether the evaluation was halted at the firing cap. */
    boolean capped() {
        return capped;
    }

    /** Whether the evaluation was halted because it ran over its time budget. */
    boolean overTime() {
        return overTime;
    }

    /**
     * The rule blamed for running over time (see {@link #overTimeInThenPart()}), or null when the
     * budget ran out before the first firing.
     */
    String overTimeRule() {
        return overTimeRule;
    }

    /**
     * Whether the budget ran out while {@link #overTimeRule()}'s then part ran; otherwise it ran
     * out between firings, after that rule fired.
     */
    boolean overTimeInThenPart() {
        return overTimeInThenPart;
    }

    /** The rule firing now (its then part running), or null between firings. */
    String firingRule() {
        return current == null ? null : current.rule();
    }

    /**
     * The rule most likely to keep the evaluation going: the one whose then parts changed facts
     * ({@code update}, {@code modify}, {@code delete}) most often, then the one that fired most
     * (rules that only react to those changes fire as often, but change nothing).
     */
    String mostFired() {
        Map<String, Integer> counts = new HashMap<>();
        String most = null;
        for (Firing f : firings) {
            int n = counts.merge(f.rule(), 1, Integer::sum);
            if (most == null || n > counts.get(most)) {
                most = f.rule();
            }
        }
        String mostChanges = null;
        for (Map.Entry<String, Integer> e : changesByRule.entrySet()) {
            if (mostChanges == null || e.getValue() > changesByRule.get(mostChanges)) {
                mostChanges = e.getKey();
            }
        }
        return mostChanges != null ? mostChanges : most;
    }

    /** How often a rule fired in this evaluation. */
    int firingsOf(String rule) {
        int n = 0;
        for (Firing f : firings) {
            n += f.rule().equals(rule) ? 1 : 0;
        }
        return n;
    }

    /** Every firing of the evaluation, in order. */
    List<Firing> firings() {
        return firings;
    }

    /** Facts inserted by rules, in insertion order. */
    List<Object> derived() {
        return derived;
    }

    /** The firing that inserted a derived fact, or null for an input fact. */
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
        List<Firing> chain = new ArrayList<>(4);
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
