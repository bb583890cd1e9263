-- Pulse history database: the tables a Fivetran sync plus its dbt packages produce
-- (Intercom, Salesforce, customer-360 marts), plus the generator's extras (usage,
-- subscription changes, outcomes). Timestamps are ISO-8601 text ('YYYY-MM-DD HH:MM:SS',
-- UTC unless an explicit offset such as '+08:00' follows). Column names are the dbt packages'.

CREATE TABLE IF NOT EXISTS intercom__company_enhanced (
  company_id TEXT PRIMARY KEY,          -- 24 hex chars; one row per plan snapshot of a company
  company_name TEXT NOT NULL,
  website TEXT,
  website_domain TEXT NOT NULL,         -- Pulse's customer id (lower-cased)
  industry TEXT,
  created_at TEXT NOT NULL,             -- snapshot time: rows of one name in order are plan changes
  updated_at TEXT,
  user_count INTEGER,                   -- seats
  session_count INTEGER,
  monthly_spend REAL,                   -- USD per month, ACV = x12
  plan_id TEXT,
  plan_name TEXT,                       -- Starter < Growth < Scale < Enterprise
  company_age_days INTEGER,
  all_company_tags TEXT                 -- comma-separated key:value
);

CREATE TABLE IF NOT EXISTS intercom__company_metrics (
  company_id TEXT PRIMARY KEY,
  total_conversations INTEGER,
  avg_conversation_rating REAL,
  contacts_active_7d INTEGER,
  contacts_active_30d INTEGER,
  registration_retention_7d REAL,
  registration_retention_30d REAL,
  p50_time_to_first_response_min REAL
);

CREATE TABLE IF NOT EXISTS intercom__contact_enhanced (
  contact_id TEXT PRIMARY KEY,
  contact_email TEXT,                   -- first.last@<website_domain>
  contact_role TEXT,
  last_activity_ts TEXT,
  is_active_7d INTEGER,
  is_active_30d INTEGER,
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
  conversation_rating REAL,             -- 1-5; 0 or NULL = not rated
  first_close_at TEXT,
  last_close_at TEXT,
  all_conversation_tags TEXT,           -- 'topic:billing|first_response:bot|...' or 'Bug, Escalation'
  all_conversation_contacts TEXT,       -- contact:<id>
  all_contact_company_names TEXT        -- links to intercom__company_enhanced.company_name
);

CREATE TABLE IF NOT EXISTS intercom__conversation_metrics (
  conversation_id TEXT PRIMARY KEY,
  count_reopens INTEGER,
  count_total_parts INTEGER,
  count_assignments INTEGER,
  time_to_first_response_minutes REAL,
  time_to_first_close_minutes REAL,
  time_to_last_close_minutes REAL,
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
  number_of_employees INTEGER,
  annual_revenue REAL,
  total_won_amount REAL,
  current_pipeline_amount REAL,
  win_rate_percentage REAL,
  account_age_days INTEGER,
  total_contacts INTEGER,
  contacts_with_email INTEGER,
  days_since_last_activity INTEGER,
  total_activities_30d INTEGER,
  customer_health_score REAL,           -- precomputed upstream; Pulse never reuses it
  PRIMARY KEY (account_id, snapshot_at)
);

CREATE TABLE IF NOT EXISTS salesforce__opportunity_enhanced (
  opportunity_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  is_won INTEGER,
  is_closed INTEGER,
  stage_name TEXT,
  close_date TEXT,
  amount REAL
);

CREATE TABLE IF NOT EXISTS salesforce__contact_enhanced (
  contact_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  email TEXT,
  title TEXT
);

CREATE TABLE IF NOT EXISTS customer360__customer_activity_metrics (
  primary_email TEXT NOT NULL,          -- its domain is the customer id
  composite_engagement_score REAL,
  customer_health_score REAL,
  days_since_last_activity INTEGER,
  primary_engagement_channel TEXT,
  engagement_velocity TEXT,             -- Accelerating, Stable, Volatile, Declining, Stagnant
  activity_risk_level TEXT,             -- Very Low, Low, Medium, High, Critical, High Activity Risk
  in_marketo INTEGER,
  in_stripe INTEGER,
  in_zendesk INTEGER,
  zendesk_active INTEGER,
  activity_analysis_timestamp TEXT NOT NULL  -- may carry an offset, e.g. +08:00
);

CREATE TABLE IF NOT EXISTS customer360__conversion_funnel_analysis (
  primary_email TEXT NOT NULL,
  customer_tier TEXT,                   -- Basic, Bronze, Silver, Gold, Platinum
  marketing_to_sales_days INTEGER,
  sales_to_support_days INTEGER,
  estimated_customer_ltv REAL,
  funnel_analysis_timestamp TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS customer360__customer_value_analysis (
  primary_email TEXT NOT NULL,
  customer_tier TEXT,
  recency_score INTEGER,
  frequency_score INTEGER,
  monetary_score INTEGER,               -- 1-5
  estimated_customer_ltv REAL,
  churn_probability REAL,
  analysis_timestamp TEXT NOT NULL
);

-- Generator extras that real exports lack. company_id refers to any snapshot row of the company.
CREATE TABLE IF NOT EXISTS pulse__product_usage (
  usage_id INTEGER PRIMARY KEY,
  company_id TEXT NOT NULL,
  contact_email TEXT,
  feature TEXT NOT NULL,
  used_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS pulse__subscription_changes (
  change_id INTEGER PRIMARY KEY,
  company_id TEXT NOT NULL,
  old_plan TEXT NOT NULL,
  new_plan TEXT NOT NULL,
  monthly_spend_delta REAL,
  changed_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS pulse__customer_outcomes (
  outcome_id INTEGER PRIMARY KEY,
  company_id TEXT NOT NULL,
  outcome TEXT NOT NULL,                -- churned, downgraded, upgraded, renewed
  outcome_at TEXT NOT NULL
);
