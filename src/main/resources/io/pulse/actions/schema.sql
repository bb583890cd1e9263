-- The action table's schema for every dialect, run by SinkDatabase.createSchema at every start:
-- statements separated by a blank line (SqlScript); ${id} is the dialect's generated primary key,
-- ${without_rowid} SQLite's WITHOUT ROWID (nothing on PostgreSQL).
-- Every change of recommended_actions.status is copied into action_history by the dialect's
-- trigger (history-trigger-<dialect>.sql), from the status_changed_* columns that each writer sets
-- in the same statement, so no writer can forget the history.

-- One row per (customer, action): the recommendation columns belong to the pipeline, the
-- workflow columns (status, assignee, notes, outcome, the times) to people.
CREATE TABLE IF NOT EXISTS recommended_actions (
    ${id},
    customer_id TEXT NOT NULL,
    action TEXT NOT NULL,
    family TEXT NOT NULL,
    value_tier TEXT,
    risk_tier TEXT,
    health_band TEXT,
    health_score DOUBLE PRECISION,
    predicted_6m_revenue DOUBLE PRECISION,
    cohorts TEXT,
    industry TEXT,
    size_segment TEXT,
    -- The CRM account owner's e-mail as evaluated (added to an older table by LATER_COLUMNS).
    owner TEXT,
    priority INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    playbook TEXT,
    reasons TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    valid_as_of TEXT NOT NULL,
    first_valid_as_of TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'OPEN',
    pipeline_status TEXT,
    assignee TEXT,
    notes TEXT,
    outcome TEXT,
    snoozed_until TEXT,
    claimed_at TEXT,
    closed_at TEXT,
    reopen_after TEXT,
    -- When the action went past its due time and rose a priority step (cleared by a reopen).
    escalated_at TEXT,
    status_changed_at TEXT,
    status_changed_by TEXT,
    status_note TEXT,
    UNIQUE (customer_id, action));

-- The head of the queue: what `queue next` reads.
CREATE INDEX IF NOT EXISTS recommended_actions_priority
    ON recommended_actions (status, priority, predicted_6m_revenue DESC, due_at);

-- An agent's own accounts first: what `queue next` reads before the unowned ones.
CREATE INDEX IF NOT EXISTS recommended_actions_owner
    ON recommended_actions (owner, status, priority, predicted_6m_revenue DESC, due_at);

-- What each person took on this week: the weekly capacity check of every claim.
CREATE INDEX IF NOT EXISTS recommended_actions_assignee ON recommended_actions (assignee, claimed_at);

-- The actions that may still escalate, by due time: what every queue transaction checks.
CREATE INDEX IF NOT EXISTS recommended_actions_due ON recommended_actions (due_at)
    WHERE escalated_at IS NULL AND status IN ('OPEN', 'CLAIMED');

-- Every change of status (or re-snooze), written by the trigger below.
CREATE TABLE IF NOT EXISTS action_history (
    ${id},
    action_id BIGINT NOT NULL REFERENCES recommended_actions (id),
    at TEXT,
    actor TEXT,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT);

CREATE INDEX IF NOT EXISTS action_history_action ON action_history (action_id, id);

-- A customer's score history: a row per evaluation that changed its health score, band or a tier
-- (the latest row at or before a time is the customer's classification then; an evaluation that
-- changed none of them adds no row), with what each input added to the score, in points. Written
-- with the recommendations of the same evaluation, in one transaction; a re-score at the same time
-- (a rule reload) replaces the row. What `pulse queue customer` and the story page draw.
CREATE TABLE IF NOT EXISTS score_history (
    customer_id TEXT NOT NULL,
    valid_as_of TEXT NOT NULL,
    health_score DOUBLE PRECISION NOT NULL,
    health_band TEXT NOT NULL,
    value_tier TEXT NOT NULL,
    risk_tier TEXT NOT NULL,
    predicted_6m_revenue DOUBLE PRECISION,
    ruleset_version TEXT NOT NULL,
    recency_points DOUBLE PRECISION,
    activities_points DOUBLE PRECISION,
    contacts_points DOUBLE PRECISION,
    annual_revenue_points DOUBLE PRECISION,
    total_won_points DOUBLE PRECISION,
    size_segment_points DOUBLE PRECISION,
    employees_points DOUBLE PRECISION,
    PRIMARY KEY (customer_id, valid_as_of))${without_rowid};

-- Days a DONE or DISMISSED action stays closed, per action type; '*' applies to the rest
-- (SinkDatabase.DEFAULT_COOLDOWN_KEY and DEFAULT_COOLDOWN_DAYS).
CREATE TABLE IF NOT EXISTS action_cooldowns (
    action TEXT PRIMARY KEY,
    cooldown_days INTEGER NOT NULL CHECK (cooldown_days >= 0));

INSERT INTO action_cooldowns (action, cooldown_days) VALUES ('*', 30) ON CONFLICT (action) DO NOTHING;

-- One row per input the job could not process (source: where it arrived; raw: the input as it
-- arrived). replayed_at/replayed_to: when `pulse deadletters replay` sent raw again, and where;
-- added to an older table by SinkDatabase.LATER_COLUMNS.
CREATE TABLE IF NOT EXISTS dead_letters (
    ${id},
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT,
    event_time TEXT,
    replayed_at TEXT,
    replayed_to TEXT,
    UNIQUE (source, reason));

-- The replayed dead letters: what `deadletters list` looks up to link a row to an earlier replay.
CREATE INDEX IF NOT EXISTS dead_letters_replayed ON dead_letters (replayed_at);

-- Every attempt to deploy a rule pack in a running job, and the re-score that followed.
CREATE TABLE IF NOT EXISTS rule_deployments (
    ${id},
    ruleset_version TEXT NOT NULL,
    deployed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    messages TEXT NOT NULL,
    rescored_at TEXT,
    customers_rescored BIGINT,
    actions_written BIGINT,
    -- The declared features an accepted pack gave every customer anew (comma-separated).
    backfilled_features TEXT,
    UNIQUE (ruleset_version, deployed_at));

-- The CS team: the name each person works the queue under, the CRM e-mail that makes accounts
-- theirs (Recommendation.owner), and how many actions they take on per week (Monday 00:00 UTC on).
-- The '*' row holds the default capacity for anyone without their own (ActionQueue.DEFAULT_MEMBER).
CREATE TABLE IF NOT EXISTS queue_team (
    agent TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    display_name TEXT,
    weekly_capacity INTEGER CHECK (weekly_capacity >= 0));

INSERT INTO queue_team (agent, weekly_capacity) VALUES ('*', 25) ON CONFLICT (agent) DO NOTHING;

-- Where notifications go (pulse queue notify): a Slack incoming webhook ('slack') or any JSON
-- endpoint ('generic'), for some kinds (comma-separated: new_p1, escalated, assigned) and,
-- optionally, some action codes only (comma-separated; NULL = every action).
CREATE TABLE IF NOT EXISTS notification_targets (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('slack', 'generic')),
    kinds TEXT NOT NULL,
    actions TEXT,
    -- One person's target: only their book's notifications (added to an older table by LATER_COLUMNS).
    agent TEXT);

-- The outbox: one row per (history row, target), delivered at least once with its idempotency
-- key; PENDING until a 2xx answer (DELIVERED) or until the attempts run out (PARKED, last_error
-- says why).
CREATE TABLE IF NOT EXISTS notifications (
    ${id},
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    history_id BIGINT NOT NULL,
    action_id BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered_at TEXT);

CREATE INDEX IF NOT EXISTS notifications_due ON notifications (status, next_attempt_at);

-- How far the notifier has read action_history: the last row it turned into notifications. Set
-- to the end of the history when the first target is added: what happened before is not news.
CREATE TABLE IF NOT EXISTS notifier_position (
    name TEXT PRIMARY KEY,
    last_history_id BIGINT NOT NULL);
