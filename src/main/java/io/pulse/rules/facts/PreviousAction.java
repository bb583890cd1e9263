package io.pulse.rules.facts;

/**
 * Input fact: an action recommended to this customer before, one per action code: how many whole
 * days ago it last opened (became recommended from not recommended) and whether it was still open
 * after the previous evaluation. Rules read it to space an action out, e.g. no new adoption sprint
 * within {@code touchpoints.adoptionSprintCooldownDays} of the last one, while an open one stays.
 */
public final class PreviousAction {
    private final String action;
    private final long daysSinceOpened;
    private final boolean open;

    public PreviousAction(String action, long daysSinceOpened, boolean open) {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("PreviousAction needs an action code");
        }
        if (daysSinceOpened < 0) {
            throw new IllegalArgumentException("PreviousAction's daysSinceOpened must be 0 or more, not "
                    + daysSinceOpened);
        }
        this.action = action;
        this.daysSinceOpened = daysSinceOpened;
        this.open = open;
    }

    public String getAction() { return action; }

    public long getDaysSinceOpened() { return daysSinceOpened; }

    public boolean isOpen() { return open; }

    @Override
    public String toString() {
        return "PreviousAction[" + action + ", opened " + daysSinceOpened + " days ago" + (open ? ", open" : "") + "]";
    }
}
