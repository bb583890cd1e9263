package io.pulse.rules.facts;

import java.util.Objects;

/**
 * A customer's CRM account as of the latest Salesforce snapshot (salesforce__customer_360_view).
 * Input fact for the health score (rules-pack section 1). Also a Flink POJO.
 */
public class Account {
    private String customerId;
    private String accountName;
    private String industry;
    /** Enterprise, Large, Mid-Market or Small Business. */
    private String sizeSegment;
    private long employees;
    /** USD per year. */
    private double annualRevenue;
    /** USD, all won opportunities. */
    private double totalWonAmount;
    /** USD, open pipeline. */
    private double pipelineAmount;
    private int totalContacts;
    private int contactsWithEmail;
    private int daysSinceLastActivity;
    private int activities30d;
    /** The CRM account owner's e-mail (lower case) as of the snapshot; null when the CRM names none. */
    private String owner;

    public Account() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public String getAccountName() { return accountName; }
    public void setAccountName(String accountName) { this.accountName = accountName; }
    public String getIndustry() { return industry; }
    public void setIndustry(String industry) { this.industry = industry; }
    public String getSizeSegment() { return sizeSegment; }
    public void setSizeSegment(String sizeSegment) { this.sizeSegment = sizeSegment; }
    public long getEmployees() { return employees; }
    public void setEmployees(long employees) { this.employees = employees; }
    public double getAnnualRevenue() { return annualRevenue; }
    public void setAnnualRevenue(double annualRevenue) { this.annualRevenue = annualRevenue; }
    public double getTotalWonAmount() { return totalWonAmount; }
    public void setTotalWonAmount(double totalWonAmount) { this.totalWonAmount = totalWonAmount; }
    public double getPipelineAmount() { return pipelineAmount; }
    public void setPipelineAmount(double pipelineAmount) { this.pipelineAmount = pipelineAmount; }
    public int getTotalContacts() { return totalContacts; }
    public void setTotalContacts(int totalContacts) { this.totalContacts = totalContacts; }
    public int getContactsWithEmail() { return contactsWithEmail; }
    public void setContactsWithEmail(int contactsWithEmail) { this.contactsWithEmail = contactsWithEmail; }
    public int getDaysSinceLastActivity() { return daysSinceLastActivity; }
    public void setDaysSinceLastActivity(int daysSinceLastActivity) { this.daysSinceLastActivity = daysSinceLastActivity; }
    public int getActivities30d() { return activities30d; }
    public void setActivities30d(int activities30d) { this.activities30d = activities30d; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Account)) return false;
        Account a = (Account) o;
        return employees == a.employees && Double.compare(annualRevenue, a.annualRevenue) == 0
                && Double.compare(totalWonAmount, a.totalWonAmount) == 0
                && Double.compare(pipelineAmount, a.pipelineAmount) == 0
                && totalContacts == a.totalContacts && contactsWithEmail == a.contactsWithEmail
                && daysSinceLastActivity == a.daysSinceLastActivity && activities30d == a.activities30d
                && Objects.equals(customerId, a.customerId) && Objects.equals(accountName, a.accountName)
                && Objects.equals(industry, a.industry) && Objects.equals(sizeSegment, a.sizeSegment)
                && Objects.equals(owner, a.owner);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, sizeSegment, employees, annualRevenue, totalWonAmount,
                daysSinceLastActivity, activities30d);
    }
}
