-- Pulse history database: the tables a Fivetran sync plus its dbt packages produce
-- (Intercom, Salesforce, customer-360 marts), plus the generator's extras (usage,
-- subscription changes, outcomes). Timestamps are ISO-8601 text ('YYYY-MM-DD HH:MM:SS',
-- UTC unless an explicit offset such as '+08:00' follows). Column names are the dbt packages'.
-- The same DDL runs on SQLite and PostgreSQL (TEXT, DOUBLE PRECISION, BIGINT; SQLite stores them
-- as TEXT, REAL, INTEGER). ${integer_key} is SQLite's INTEGER PRIMARY KEY (the rowid itself, no
-- second index) or BIGINT PRIMARY KEY elsewhere. Timestamps stay text on both, so both hold the
-- same values; Pulse also reads timestamp, timestamptz and date columns of a team's own tables.

CREATE TABLE IF NOT EXISTS intercom__company_enhanced (
  company_id TEXT PRIMARY KEY,          -- 24 hex chars; one row per plan snapshot of a company
  company_name TEXT NOT NULL,
  website TEXT,
  website_domain TEXT NOT NULL,         -- Pulse's customer id (lower-cased)
  industry TEXT,
  created_at TEXT NOT NULL,             -- snapshot time: rows of one name in order are plan changes
  updated_at TEXT,
  user_count BIGINT,                    -- seats
  session_count BIGINT,
  monthly_spend DOUBLE PRECISION,       -- USD per month, ACV = x12
  plan_id TEXT,
  plan_name TEXT,                       -- Starter < Growth < Scale < Enterprise
  company_age_days BIGINT,
  all_company_tags TEXT                 -- comma-separated key:value
);

CREATE TABLE IF NOT EXISTS intercom__company_metrics (
  company_id TEXT PRIMARY KEY,
  total_conversations BIGINT,
  avg_conversation_rating DOUBLE PRECISION,
  contacts_active_7d BIGINT,
  contacts_active_30d BIGINT,
  registration_retention_7d DOUBLE PRECISION,
  registration_retention_30d DOUBLE PRECISION,
  p50_time_to_first_response_min DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS intercom__contact_enhanced (
  contact_id TEXT PRIMARY KEY,
  contact_email TEXT,                   -- first.last@<website_domain>
  contact_role TEXT,
  last_activity_ts TEXT,
  is_active_7d BIGINT,
  is_active_30d BIGINT,
  all_contact_tags TEXT,
  all_contact_company_names TEXT
);

CREATE TABLE IF NOT EXISTS intercom__conversation_enhanced (
  conversation_id TEXT PRIMARY KEY,     -- 15 digits
  conversation_created_at TEXT NOT NULL,
  conversation_last_updated_at TEXT,
  conversation_type TEXT,
  conversation_initiated_type TEXT,     -- contact_inbound, bot_follow_up, ...
  conversation_subject TEXT,
  conversation_assignee_type TEXT,
  conversation_author_type TEXT,        -- contact, bot
  conversation_state TEXT,
  sla_name TEXT,
  sla_status TEXT,                      -- met / warning / breached
  conversation_rating DOUBLE PRECISION, -- 1-5; 0 or NULL = not rated
  first_close_at TEXT,
  last_close_at TEXT,
  all_conversation_tags TEXT,           -- 'topic:billing|first_response:bot|...' or 'Bug, Escalation'
  all_conversation_contacts TEXT,       -- contact:<id>
  all_contact_company_names TEXT        -- links to intercom__company_enhanced.company_name
);

CREATE TABLE IF NOT EXISTS intercom__conversation_metrics (
  conversation_id TEXT PRIMARY KEY,
  count_reopens BIGINT,
  count_total_parts BIGINT,
  count_assignments BIGINT,
  time_to_first_response_minutes DOUBLE PRECISION,
  time_to_first_close_minutes DOUBLE PRECISION,
  time_to_last_close_minutes DOUBLE PRECISION,
  first_response_at TEXT,
  first_close_at TEXT,
  last_close_at TEXT
);

CREATE TABLE IF NOT EXISTS salesforce__customer_360_view (
  snapshot_at TEXT NOT NULL,            -- the generator's dated snapshot time
  account_id TEXT NOT NULL,
  account_name TEXT NOT NULL,           -- links to intercom__company_enhanced.company_name
  industry_normalized TEXT,
  account_size_segment TEXT,            -- Enterprise, Large, Mid-Market, Small Business
  number_of_employees BIGINT,
  annual_revenue DOUBLE PRECISION,
  total_won_amount DOUBLE PRECISION,
  current_pipeline_amount DOUBLE PRECISION,
  win_rate_percentage DOUBLE PRECISION,
  account_age_days BIGINT,
  total_contacts BIGINT,
  contacts_with_email BIGINT,
  days_since_last_activity BIGINT,
  total_activities_30d BIGINT,
  customer_health_score DOUBLE PRECISION, -- precomputed upstream; Pulse never reuses it
  owner_id TEXT,                        -- the account's owner as of snapshot_at: salesforce__user.user_id
  PRIMARY KEY (account_id, snapshot_at)
);

CREATE TABLE IF NOT EXISTS salesforce__opportunity_enhanced (
  opportunity_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  is_won BIGINT,
  is_closed BIGINT,
  stage_name TEXT,
  close_date TEXT,                      -- a renewal's: the contract's renewal date
  amount DOUBLE PRECISION,
  created_date TEXT,
  opportunity_type TEXT                 -- New Business, Expansion, Renewal
);

CREATE TABLE IF NOT EXISTS salesforce__contact_enhanced (
  contact_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  email TEXT,
  title TEXT
);

CREATE TABLE IF NOT EXISTS salesforce__user (
  user_id TEXT PRIMARY KEY,             -- 18 chars, key prefix 005
  name TEXT NOT NULL,                   -- 'First Last'
  first_name TEXT,
  last_name TEXT,
  email TEXT,                           -- first.last@pulse-cs.example, lower case
  user_role_name TEXT,                  -- Customer Success Manager, Customer Success Lead
  manager_id TEXT,                      -- a manager's lead (user_id); NULL for a lead
  is_active BIGINT,                     -- 0 once the user has left
  created_date TEXT
);

CREATE TABLE IF NOT EXISTS salesforce__account_history (
  id TEXT PRIMARY KEY,                  -- 18 chars, key prefix 017
  account_id TEXT NOT NULL,
  field TEXT NOT NULL,                  -- Owner
  old_value TEXT,                       -- the previous owner's user_id
  new_value TEXT,                       -- the new owner's user_id
  created_date TEXT NOT NULL            -- when the account changed hands
);

CREATE TABLE IF NOT EXISTS customer360__customer_activity_metrics (
  primary_email TEXT NOT NULL,          -- its domain is the customer id
  composite_engagement_score DOUBLE PRECISION,
  customer_health_score DOUBLE PRECISION,
  days_since_last_activity BIGINT,
  primary_engagement_channel TEXT,
  engagement_velocity TEXT,             -- Accelerating, Stable, Volatile, Declining, Stagnant
  activity_risk_level TEXT,             -- Very Low, Low, Medium, High, Critical, High Activity Risk
  in_marketo BIGINT,
  in_stripe BIGINT,
  in_zendesk BIGINT,
  zendesk_active BIGINT,
  activity_analysis_timestamp TEXT NOT NULL -- may carry an offset, e.g. +08:00
);

CREATE TABLE IF NOT EXISTS customer360__conversion_funnel_analysis (
  primary_email TEXT NOT NULL,
  customer_tier TEXT,                   -- Basic, Bronze, Silver, Gold, Platinum
  marketing_to_sales_days BIGINT,
  sales_to_support_days BIGINT,
  estimated_customer_ltv DOUBLE PRECISION,
  funnel_analysis_timestamp TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS customer360__customer_value_analysis (
  primary_email TEXT NOT NULL,
  customer_tier TEXT,
  recency_score BIGINT,
  frequency_score BIGINT,
  monetary_score BIGINT,                -- 1-5
  estimated_customer_ltv DOUBLE PRECISION,
  churn_probability DOUBLE PRECISION,
  analysis_timestamp TEXT NOT NULL
);

-- Generator extras that real exports lack. company_id refers to any snapshot row of the company.
CREATE TABLE IF NOT EXISTS pulse__product_usage (
  usage_id ${integer_key},
  company_id TEXT NOT NULL,
  contact_email TEXT,
  feature TEXT NOT NULL,
  used_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS pulse__subscription_changes (
  change_id ${integer_key},
  company_id TEXT NOT NULL,
  old_plan TEXT NOT NULL,
  new_plan TEXT NOT NULL,
  monthly_spend_delta DOUBLE PRECISION,
  changed_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS pulse__customer_outcomes (
  outcome_id ${integer_key},
  company_id TEXT NOT NULL,
  outcome TEXT NOT NULL,                -- churned, downgraded, upgraded, renewed
  outcome_at TEXT NOT NULL
);
