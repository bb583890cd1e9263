package io.pulse.queue;

/**
 * A person of the CS team as the queue knows them: the name they work the queue under, the CRM
 * e-mail that makes an account theirs (null: no book of their own), their weekly capacity and how
 * many actions they took on this week (Monday 00:00 UTC on). {@code ownCapacity} says whether the
 * capacity is theirs or the team default.
 */
public record TeamMember(String agent, String email, String displayName, int weeklyCapacity, boolean ownCapacity,
                         int takenThisWeek) {
    /** Actions they may still take on this week. */
    public int remaining() {
        return Math.max(0, weeklyCapacity - takenThisWeek);
    }
}
