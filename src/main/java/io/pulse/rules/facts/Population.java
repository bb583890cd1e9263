package io.pulse.rules.facts;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Population figures the per-customer rules compare against, maintained by the pipeline in event
 * time over the latest facts of every customer (see {@code io.pulse.features.PopulationAggregator}).
 * One instance per evaluation, "as of" {@link #getAsOf()}. Also a Flink POJO, whose serializer
 * uses the setters; every customer's evaluation shares one instance, so rules may call none of
 * them (the sandbox refuses it) and the map getter is a read-only view.
 */
public class Population {
    /** Event time (epoch ms) the figures are valid as of. */
    private long asOf;
    private int customers;
    /** Average estimated LTV (USD) per customer tier (Basic .. Platinum). */
    private Map<String, Double> averageLtvByTier = new HashMap<>();
    private double averageEngagementScore;
    private double annualRevenueMin;
    private double annualRevenueMax;
    private double totalWonMax;
    private double employeesMin;
    private double employeesMax;

    public Population() {}

    public long getAsOf() { return asOf; }
    public void setAsOf(long asOf) { this.asOf = asOf; }
    public int getCustomers() { return customers; }
    public void setCustomers(int customers) { this.customers = customers; }
    public Map<String, Double> getAverageLtvByTier() { return Collections.unmodifiableMap(averageLtvByTier); }
    public void setAverageLtvByTier(Map<String, Double> averageLtvByTier) { this.averageLtvByTier = averageLtvByTier; }
    public double getAverageEngagementScore() { return averageEngagementScore; }
    public void setAverageEngagementScore(double averageEngagementScore) { this.averageEngagementScore = averageEngagementScore; }
    public double getAnnualRevenueMin() { return annualRevenueMin; }
    public void setAnnualRevenueMin(double annualRevenueMin) { this.annualRevenueMin = annualRevenueMin; }
    public double getAnnualRevenueMax() { return annualRevenueMax; }
    public void setAnnualRevenueMax(double annualRevenueMax) { this.annualRevenueMax = annualRevenueMax; }
    public double getTotalWonMax() { return totalWonMax; }
    public void setTotalWonMax(double totalWonMax) { this.totalWonMax = totalWonMax; }
    public double getEmployeesMin() { return employeesMin; }
    public void setEmployeesMin(double employeesMin) { this.employeesMin = employeesMin; }
    public double getEmployeesMax() { return employeesMax; }
    public void setEmployeesMax(double employeesMax) { this.employeesMax = employeesMax; }

    /** Average LTV of a tier; 0 when the tier has no customers yet. */
    public double averageLtv(String tier) {
        Double v = averageLtvByTier.get(tier);
        return v == null ? 0.0 : v;
    }
}
