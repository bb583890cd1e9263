package io.pulse.rules.engine;

import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.EngineLimits;
import io.pulse.rules.pack.RuleSet;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactType;

/**
 * What a compile produces, immutable and shared by every engine of the pack in this JVM (a
 * KieBase is thread-safe; sessions are not). {@link CompiledPacks} holds it weakly: it lives as
 * long as an engine uses it.
 *
 * @param source     where each rule is written, for problems found after the compile
 * @param limits rule firings and milliseconds allowed per evaluation (parameters.json, {@code engine})
 * @param features     the features the pack declares ({@code features.yaml})
 * @param featuresType the {@code Features} fact type they are fields of; null when the pack declares none
 */
record CompiledPack(RuleSet rules, Parameters parameters, KieBase kieBase, DrlSource source, EngineLimits limits,
                    FeatureDeclarations features, FactType featuresType) {}
