package io.pulse.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * One recommended action for one customer: a row of the CS queue ({@code recommended_actions}),
 * keyed by (customerId, action). The pipeline owns every field here; people own the workflow
 * columns (status once claimed, assignee) that the sink never overwrites. Also a Flink POJO.
 */
public class Recommendation {
    /** The pipeline still recommends the action. */
    public static final String OPEN = "OPEN";
    /** The pipeline no longer recommends it (a changed strategy retires the old row). */
    public static final String SUPERSEDED = "SUPERSEDED";

    private String customerId;
    /** Action code, e.g. URGENT_RETAIN, VIP_NURTURE, REACT_AND_RESCUE. */
    private String action;
    /** Which classification the action comes from: VALUE_RISK (nine strategies) or HEALTH (band x size). */
    private String family;
    private String valueTier;
    private String riskTier;
    private String healthBand;
    private double healthScore;
    /** The account's industry (CRM {@code industry_normalized}) as evaluated; null when unknown. */
    private String industry;
    /** The account's size segment (Enterprise, Large, Mid-Market, Small Business) as evaluated. */
    private String sizeSegment;
    /** The CRM account owner's e-mail as evaluated: whose book the action is in; null when unowned. */
    private String owner;
    /** Predicted six-month revenue contribution (USD), the "revenue at risk". */
    private double predicted6mRevenue;
    /** 1 = most urgent. */
    private int priority;
    /** Epoch ms: validAsOf + the action's SLA. */
    private long dueAt;
    /** JSON array of playbook steps. */
    private String playbook;
    /** JSON array: the rules that fired and the fact values they matched. */
    private String reasons;
    /** JSON array of the customer's cohort tags (e.g. ["QUIET_HIGH_VALUE"]); "[]" for none. */
    private String cohorts = "[]";
    private String rulesetVersion;
    /** Event time (epoch ms) the recommendation is valid as of. */
    private long validAsOf;
    /** {@link #OPEN} or {@link #SUPERSEDED}: the pipeline's side of the status. */
    private String pipelineStatus = OPEN;

    public Recommendation() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public String getAction() { return action; }
    public void setAction(String action) { this.action = action; }
    public String getFamily() { return family; }
    public void setFamily(String family) { this.family = family; }
    public String getValueTier() { return valueTier; }
    public void setValueTier(String valueTier) { this.valueTier = valueTier; }
    public String getRiskTier() { return riskTier; }
    public void setRiskTier(String riskTier) { this.riskTier = riskTier; }
    public String getHealthBand() { return healthBand; }
    public void setHealthBand(String healthBand) { this.healthBand = healthBand; }
    public double getHealthScore() { return healthScore; }
    public void setHealthScore(double healthScore) { this.healthScore = healthScore; }
    public String getIndustry() { return industry; }
    public void setIndustry(String industry) { this.industry = industry; }
    public String getSizeSegment() { return sizeSegment; }
    public void setSizeSegment(String sizeSegment) { this.sizeSegment = sizeSegment; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    public double getPredicted6mRevenue() { return predicted6mRevenue; }
    public void setPredicted6mRevenue(double predicted6mRevenue) { this.predicted6mRevenue = predicted6mRevenue; }
    public int getPriority() { return priority; }
    public void setPriority(int priority) { this.priority = priority; }
    public long getDueAt() { return dueAt; }
    public void setDueAt(long dueAt) { this.dueAt = dueAt; }
    public String getPlaybook() { return playbook; }
    public void setPlaybook(String playbook) { this.playbook = playbook; }
    public String getReasons() { return reasons; }
    public void setReasons(String reasons) { this.reasons = reasons; }
    public String getCohorts() { return cohorts; }
    public void setCohorts(String cohorts) { this.cohorts = cohorts; }
    public String getRulesetVersion() { return rulesetVersion; }
    public void setRulesetVersion(String rulesetVersion) { this.rulesetVersion = rulesetVersion; }
    public long getValidAsOf() { return validAsOf; }
    public void setValidAsOf(long validAsOf) { this.validAsOf = validAsOf; }
    public String getPipelineStatus() { return pipelineStatus; }
    public void setPipelineStatus(String pipelineStatus) { this.pipelineStatus = pipelineStatus; }

    /**
     * What the evaluator keeps of a recommendation written as open, enough to tell whether a new one
     * changed: a digest of the fields compared exactly, and the two figures compared with a tolerance.
     */
    public record Fingerprint(byte[] digest, double healthScore, double predicted6mRevenue) {
        /**
         * True when the recommendation this fingerprints and the one {@code written} differ in
         * nothing a CSM would see, ignoring the time they are valid as of and the due time derived
         * from it: re-writing such a row would only churn the queue. The rule pack version is
         * ignored too: after a reload, a row the new pack would write exactly as it is keeps the
         * version that produced it (rule_deployments records that the new pack re-scored it). The
         * score and revenue may move by less than they are shown to.
         */
        public boolean sameRecommendationAs(Fingerprint written) {
            return written != null && Arrays.equals(digest, written.digest)
                    && Math.abs(healthScore - written.healthScore) < 0.005
                    && Math.abs(predicted6mRevenue - written.predicted6mRevenue) < 0.5;
        }
    }

    /** SHA-256 per thread: {@code MessageDigest.getInstance} costs as much as digesting a row. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    /** Digests the fields once: keep it, rather than asking {@link #sameRecommendationAs} and then for it. */
    public Fingerprint fingerprint() {
        return new Fingerprint(digest(), healthScore, predicted6mRevenue);
    }

    /** See {@link Fingerprint#sameRecommendationAs}. */
    public boolean sameRecommendationAs(Fingerprint written) {
        return fingerprint().sameRecommendationAs(written);
    }

    /**
     * The first 16 bytes of the SHA-256 of every field {@link Fingerprint#sameRecommendationAs}
     * compares exactly (a collision between two versions of one customer's row is out of reach at
     * 128 bits).
     */
    public byte[] digest() {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        for (String field : new String[] {customerId, action, family, valueTier, riskTier, healthBand, industry,
                sizeSegment, playbook, reasons, cohorts, pipelineStatus}) {
            if (field == null) {
                sha256.update((byte) 0);
            } else {
                byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
                sha256.update((byte) 1);
                updateInt(sha256, utf8.length);
                sha256.update(utf8);
            }
        }
        updateInt(sha256, priority);
        if (owner != null) { // after the rest: a row without an owner digests as it did before owners existed
            byte[] utf8 = owner.getBytes(StandardCharsets.UTF_8);
            sha256.update((byte) 2);
            updateInt(sha256, utf8.length);
            sha256.update(utf8);
        }
        return Arrays.copyOf(sha256.digest(), 16);
    }

    /** Big-endian, as the digests in savepoints were made with {@code ByteBuffer.putInt}. */
    private static void updateInt(MessageDigest sha256, int value) {
        sha256.update((byte) (value >>> 24));
        sha256.update((byte) (value >>> 16));
        sha256.update((byte) (value >>> 8));
        sha256.update((byte) value);
    }

    /**
     * The row of {@code action} retired as of {@code asOf} by the pack {@code rulesetVersion}: the
     * pipeline no longer recommends it. Key only: the sinks keep the content of the row last written.
     */
    public static Recommendation retired(String customerId, String action, String rulesetVersion, long asOf) {
        Recommendation r = new Recommendation();
        r.customerId = customerId;
        r.action = action;
        r.rulesetVersion = rulesetVersion;
        r.validAsOf = asOf;
        r.pipelineStatus = SUPERSEDED;
        return r;
    }

    @Override
    public String toString() {
        return customerId + "/" + action + "[" + pipelineStatus + ", value=" + valueTier + ", risk=" + riskTier
                + ", band=" + healthBand + ", score=" + healthScore + ", asOf=" + validAsOf + "]";
    }
}
