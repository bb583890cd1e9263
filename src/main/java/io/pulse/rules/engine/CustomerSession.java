package io.pulse.rules.engine;

import io.pulse.features.declared.FeatureDeclaration;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.PreviousHealthBand;
import io.pulse.rules.facts.PreviousValueTier;
import io.pulse.rules.facts.TierAverage;
import org.kie.api.definition.type.FactType;
import org.kie.api.event.rule.AgendaEventListener;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.StatelessKieSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One thread's session on a compiled pack: gives the rules one customer's facts, fires them
 * within the pack's limits (firings and time) and records in a {@link RuleTrace} what they derived. Not
 * thread-safe: the trace is reset at each evaluation.
 */
final class CustomerSession {
    private final CompiledPack pack;
    /** Stateless, from a session pool: each execute() runs on a reset pooled session (cheap). */
    private final StatelessKieSession session;
    /** Listens to {@link #session}. */
    private final RuleTrace trace;

    CustomerSession(CompiledPack pack) {
        this.pack = pack;
        this.trace = new RuleTrace(BindingOrder.of(pack.rules()), pack.limits().maxFirings(), pack.limits().maxMillis());
        this.session = pack.kieBase().newKieSessionsPool(1).newStatelessKieSession();
        session.addEventListener((AgendaEventListener) trace);
        session.addEventListener((RuleRuntimeEventListener) trace);
    }

    /**
     * Inserts the parameters, the population, the customer's known facts and the average LTV of
     * the customer's tier ({@link TierAverage}), and fires the rules.
     *
     * @return the trace of this evaluation: valid until the next one
     * @throws RuleEvaluationException when a rule throws or the rules exceed the firing cap or the
     *     time budget
     */
    RuleTrace fire(CustomerFacts facts, Population population) {
        String customerId = facts.account().getCustomerId();
        trace.reset();
        try {
            session.execute(inserted(facts, population));
        } catch (RuntimeException | Error e) {
            // A rule's stack overflow or huge allocation fails this evaluation, not the task; a
            // broken JVM (InternalError and the like) is not the rule's doing.
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError || e instanceof OutOfMemoryError)) {
                throw e;
            }
            throw SafetyNet.ruleThrew(customerId, pack.rules().version(), trace, e);
        }
        if (trace.capped()) {
            throw SafetyNet.runaway(customerId, pack.rules().version(), pack.limits().maxFirings(), trace);
        }
        if (trace.overTime()) {
            throw SafetyNet.overTime(customerId, pack.rules().version(), pack.limits().maxMillis(), trace);
        }
        return trace;
    }

    private List<Object> inserted(CustomerFacts facts, Population population) {
        Account account = facts.account();
        CustomerProfile profile = facts.profile();
        List<Object> inserted = new ArrayList<>(10);
        inserted.add(pack.parameters());
        inserted.add(population);
        inserted.add(account);
        inserted.add(profile);
        inserted.add(new TierAverage(profile.getCustomerTier(), population.averageLtv(profile.getCustomerTier())));
        addIfKnown(inserted, facts.subscription());
        addIfKnown(inserted, facts.support());
        addIfKnown(inserted, facts.planChange());
        PreviousEvaluation previous = facts.previous();
        if (previous.healthBand() != null) {
            inserted.add(new PreviousHealthBand(previous.healthBand()));
        }
        if (previous.valueTier() != null) {
            inserted.add(new PreviousValueTier(previous.valueTier()));
        }
        addIfKnown(inserted, previous.riskTier());
        inserted.addAll(previous.actions());
        if (pack.featuresType() != null) {
            inserted.add(declaredFeatures(facts.declaredFeatures()));
        }
        return inserted;
    }

    /** The Features fact: each declared feature's value, or its value over no rows when not given. */
    private Object declaredFeatures(Map<String, Object> values) {
        FactType type = pack.featuresType();
        try {
            Object fact = type.newInstance();
            for (FeatureDeclaration f : pack.features().features()) {
                Object value = values.containsKey(f.name()) ? values.get(f.name()) : f.emptyValue();
                type.set(fact, f.name(), value);
            }
            return fact;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated Features type cannot be made", e);
        }
    }

    private static void addIfKnown(List<Object> facts, Object fact) {
        if (fact != null) {
            facts.add(fact);
        }
    }
}
