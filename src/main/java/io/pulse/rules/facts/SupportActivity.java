package io.pulse.rules.facts;

import java.util.Objects;

/**
 * A customer's support and product activity over the trailing 30 days of event time, from the
 * rolling windows the pipeline keeps per customer (conversations and product usage). Also a Flink POJO.
 */
public class SupportActivity {
    private String customerId;
    private int conversations30d;
    /** Conversations tagged Bug or Outage. */
    private int bugOrOutageConversations30d;
    /** Conversations with Escalation, Executive Attention, Renewal, Data Quality or Billing language. */
    private int escalationConversations30d;
    /** Conversations whose first response came from a bot. */
    private int botFirstConversations30d;
    /** Mean rating (1-5) of rated conversations; 0 when none was rated. */
    private double averageRating30d;
    private int productUsageEvents30d;

    public SupportActivity() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public int getConversations30d() { return conversations30d; }
    public void setConversations30d(int conversations30d) { this.conversations30d = conversations30d; }
    public int getBugOrOutageConversations30d() { return bugOrOutageConversations30d; }
    public void setBugOrOutageConversations30d(int v) { this.bugOrOutageConversations30d = v; }
    public int getEscalationConversations30d() { return escalationConversations30d; }
    public void setEscalationConversations30d(int v) { this.escalationConversations30d = v; }
    public int getBotFirstConversations30d() { return botFirstConversations30d; }
    public void setBotFirstConversations30d(int v) { this.botFirstConversations30d = v; }
    public double getAverageRating30d() { return averageRating30d; }
    public void setAverageRating30d(double averageRating30d) { this.averageRating30d = averageRating30d; }
    public int getProductUsageEvents30d() { return productUsageEvents30d; }
    public void setProductUsageEvents30d(int productUsageEvents30d) { this.productUsageEvents30d = productUsageEvents30d; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SupportActivity)) return false;
        SupportActivity s = (SupportActivity) o;
        return conversations30d == s.conversations30d && bugOrOutageConversations30d == s.bugOrOutageConversations30d
                && escalationConversations30d == s.escalationConversations30d
                && botFirstConversations30d == s.botFirstConversations30d
                && Double.compare(averageRating30d, s.averageRating30d) == 0
                && productUsageEvents30d == s.productUsageEvents30d && Objects.equals(customerId, s.customerId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, conversations30d, bugOrOutageConversations30d, productUsageEvents30d);
    }
}
