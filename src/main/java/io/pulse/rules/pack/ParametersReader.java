package io.pulse.rules.pack;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pulse.rules.facts.Parameters;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code parameters.json} into {@link Parameters} and checks it, reporting each problem as
 * {@code parameters.json:line: message}: malformed JSON, an unknown or missing key, a value of the
 * wrong type, weights that do not add up to 1, bands or thresholds in the wrong order.
 */
public final class ParametersReader {
    private static final String FILE = RuleSet.PARAMETERS_FILE;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .disable(MapperFeature.USE_GETTERS_AS_SETTERS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addMixIn(Parameters.class, EngineSectionIsNotAParameter.class)
            .build();

    /** The optional {@value #ENGINE} section holds the engine's limits, not rule parameters. */
    private static final String ENGINE = "engine";

    @JsonIgnoreProperties({ENGINE})
    private interface EngineSectionIsNotAParameter {}

    private ParametersReader() {}

    /** The parameters, or null when there were problems (added to {@code problems}). */
    public static Parameters read(String json, List<Problem> problems) {
        Map<String, Integer> lines;
        JsonNode tree;
        Parameters parameters;
        try {
            lines = keyLines(json);
            tree = MAPPER.readTree(json);
            parameters = MAPPER.readValue(json, Parameters.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(new Problem(FILE, at == null ? 0 : at.getLineNr(), e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(FILE, 0, e.getMessage()));
            return null;
        }
        int before = problems.size();
        requireKeys(Parameters.class, tree, "", lines, problems);
        if (problems.size() == before) {
            checkValues(parameters, lines, problems);
        }
        return problems.size() == before ? parameters : null;
    }

    /**
     * The engine's limits per customer evaluation, from the optional {@value #ENGINE} section:
     * {@code maxFiringsPerEvaluation} (rule firings) and {@code maxMillisPerEvaluation} (time the
     * rules may run), each taken from {@code dflt} when the file does not set it. Problems (a value
     * that is not a positive whole number, an unknown key in the section) are added to
     * {@code problems}. Malformed JSON is left to {@link #read}.
     */
    public static EngineLimits engineLimits(String json, EngineLimits dflt, List<Problem> problems) {
        JsonNode engine;
        Map<String, Integer> lines;
        try {
            engine = MAPPER.readTree(json).path(ENGINE);
            lines = keyLines(json);
        } catch (IOException e) {
            return dflt;
        }
        if (engine.isMissingNode()) {
            return dflt;
        }
        int maxFirings = dflt.maxFirings();
        long maxMillis = dflt.maxMillis();
        for (Iterator<Map.Entry<String, JsonNode>> it = engine.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int line = line(lines, "/" + ENGINE + "/" + e.getKey());
            switch (e.getKey()) {
                case EngineLimits.MAX_FIRINGS -> maxFirings =
                        (int) wholeNumber(e.getKey(), e.getValue(), Integer.MAX_VALUE, maxFirings, line, problems);
                case EngineLimits.MAX_MILLIS -> maxMillis =
                        wholeNumber(e.getKey(), e.getValue(), Long.MAX_VALUE, maxMillis, line, problems);
                default -> problems.add(new Problem(FILE, line, "unknown key \"" + e.getKey() + "\" in " + ENGINE
                        + " (known: " + EngineLimits.MAX_FIRINGS + ", " + EngineLimits.MAX_MILLIS + ")"));
            }
        }
        return new EngineLimits(maxFirings, maxMillis);
    }

    /** A whole number from 1 to {@code max}, else {@code otherwise} and a problem. */
    private static long wholeNumber(String key, JsonNode value, long max, long otherwise, int line,
                                    List<Problem> problems) {
        if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 1 && value.asLong() <= max) {
            return value.asLong();
        }
        boolean tooBig = value.isIntegralNumber() && value.bigIntegerValue().signum() > 0;
        problems.add(new Problem(FILE, line, ENGINE + "." + key + " must be a whole number of at least 1"
                + (tooBig ? " and at most " + max : "") + ", not " + value));
        return otherwise;
    }

    /** Every field of the parameter classes must be present in the file: no silent zero weights. */
    private static void requireKeys(Class<?> type, JsonNode node, String pointer, Map<String, Integer> lines,
                                    List<Problem> problems) {
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            JsonNode child = node.get(f.getName());
            String childPointer = pointer + "/" + f.getName();
            if (child == null || child.isNull()) {
                problems.add(new Problem(FILE, line(lines, pointer),
                        "missing \"" + f.getName() + "\" in " + (pointer.isEmpty() ? "the top level" : pointer.substring(1).replace('/', '.'))));
            } else if (f.getType().getEnclosingClass() == Parameters.class) {
                requireKeys(f.getType(), child, childPointer, lines, problems);
            } else if (f.getName().equals("actions")) {
                for (Iterator<Map.Entry<String, JsonNode>> it = child.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> action = it.next();
                    requireKeys(Parameters.ActionTerms.class, action.getValue(), childPointer + "/" + action.getKey(),
                            lines, problems);
                }
            }
        }
    }

    private static void checkValues(Parameters p, Map<String, Integer> lines, List<Problem> problems) {
        Parameters.HealthScoreWeights h = p.getHealthScore();
        Parameters.DimensionWeights w = h.getWeights();
        sumsToOne(lines, problems, "/healthScore/weights",
                w.getActivity(), w.getContactQuality(), w.getCommercialValue(), w.getScale());
        sumsToOne(lines, problems, "/healthScore/activity",
                h.getActivity().getRecencyWeight(), h.getActivity().getVolumeWeight());
        sumsToOne(lines, problems, "/healthScore/commercialValue",
                h.getCommercialValue().getAnnualRevenueWeight(), h.getCommercialValue().getTotalWonWeight());
        sumsToOne(lines, problems, "/healthScore/scale",
                h.getScale().getSegmentWeight(), h.getScale().getEmployeesWeight());
        positive(lines, problems, "/healthScore/activity/recencyMaxDays", h.getActivity().getRecencyMaxDays());
        positive(lines, problems, "/healthScore/activity/activities30dMax", h.getActivity().getActivities30dMax());
        h.getScale().getSegmentScores().forEach((segment, score) -> {
            if (score == null || score < 0 || score > 1) {
                problems.add(new Problem(FILE, line(lines, "/healthScore/scale/segmentScores/" + segment),
                        "segment score of " + segment + " must be between 0 and 1, not " + score));
            }
        });
        Parameters.HealthBands bands = p.getHealthBands();
        if (!(bands.getMediumMin() < bands.getHighMin())) {
            problems.add(new Problem(FILE, line(lines, "/healthBands"),
                    "healthBands.mediumMin (" + bands.getMediumMin() + ") must be below highMin (" + bands.getHighMin() + ")"));
        }
        Parameters.PortfolioGrades g = p.getPortfolioGrades();
        if (!(0 <= g.getWatchMin() && g.getWatchMin() < g.getElevatedMin() && g.getElevatedMin() < g.getHighMin()
                && g.getHighMin() <= 100)) {
            problems.add(new Problem(FILE, line(lines, "/portfolioGrades"), "portfolioGrades must rise within 0..100:"
                    + " watchMin (" + g.getWatchMin() + ") < elevatedMin (" + g.getElevatedMin() + ") < highMin ("
                    + g.getHighMin() + ")"));
        }
        Parameters.ValueTierThresholds v = p.getValueTier();
        if (!(v.getLowMaxMonetaryScore() < v.getHighMinMonetaryScore())) {
            problems.add(new Problem(FILE, line(lines, "/valueTier"), "valueTier.lowMaxMonetaryScore ("
                    + v.getLowMaxMonetaryScore() + ") must be below highMinMonetaryScore (" + v.getHighMinMonetaryScore() + ")"));
        }
        notNegative(lines, problems, "/riskTier/daysBeforeRaising", p.getRiskTier().getDaysBeforeRaising());
        notNegative(lines, problems, "/riskTier/daysBeforeLowering", p.getRiskTier().getDaysBeforeLowering());
        notNegative(lines, problems, "/touchpoints/adoptionSprintCooldownDays",
                p.getTouchpoints().getAdoptionSprintCooldownDays());
        notNegative(lines, problems, "/supportSignals/upsellSignalCooldownDays",
                p.getSupportSignals().getUpsellSignalCooldownDays());
        p.getActions().forEach((action, terms) -> {
            if (terms.getPriority() < 1) {
                problems.add(new Problem(FILE, line(lines, "/actions/" + action + "/priority"),
                        "priority of " + action + " must be 1 (most urgent) or more, not " + terms.getPriority()));
            }
            if (!(terms.getSlaHours() > 0)) {
                problems.add(new Problem(FILE, line(lines, "/actions/" + action + "/slaHours"),
                        "slaHours of " + action + " must be positive, not " + terms.getSlaHours()));
            }
        });
    }

    private static void sumsToOne(Map<String, Integer> lines, List<Problem> problems, String pointer, double... weights) {
        double sum = 0;
        for (double w : weights) {
            if (w < 0) {
                problems.add(new Problem(FILE, line(lines, pointer), "a weight in " + dotted(pointer) + " is negative: " + w));
            }
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            problems.add(new Problem(FILE, line(lines, pointer),
                    "the weights in " + dotted(pointer) + " add up to " + sum + ", not 1"));
        }
    }

    private static void positive(Map<String, Integer> lines, List<Problem> problems, String pointer, double value) {
        if (!(value > 0)) {
            problems.add(new Problem(FILE, line(lines, pointer), dotted(pointer) + " must be positive, not " + value));
        }
    }

    private static void notNegative(Map<String, Integer> lines, List<Problem> problems, String pointer, int days) {
        if (days < 0) {
            problems.add(new Problem(FILE, line(lines, pointer), dotted(pointer) + " must be 0 or more days, not " + days));
        }
    }

    private static String dotted(String pointer) {
        return pointer.substring(1).replace('/', '.');
    }

    private static int line(Map<String, Integer> lines, String pointer) {
        return lines.getOrDefault(pointer, 1);
    }

    /** JSON pointer of every key -> the line it is written on. */
    private static Map<String, Integer> keyLines(String json) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = MAPPER.getFactory().createParser(json)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    lines.put(parser.getParsingContext().pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
                }
            }
        }
        return lines;
    }
}
