-- Copies every change of recommended_actions.status (or of who it is assigned to) into
-- action_history (PostgreSQL).

CREATE OR REPLACE FUNCTION recommended_actions_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO action_history (action_id, at, actor, from_status, to_status, note)
        VALUES (NEW.id, NEW.status_changed_at, NEW.status_changed_by, NULL, NEW.status, NEW.status_note);
    ELSIF OLD.status IS DISTINCT FROM NEW.status OR OLD.status_changed_at IS DISTINCT FROM NEW.status_changed_at
            OR OLD.assignee IS DISTINCT FROM NEW.assignee OR OLD.escalated_at IS DISTINCT FROM NEW.escalated_at THEN
        INSERT INTO action_history (action_id, at, actor, from_status, to_status, note)
        VALUES (NEW.id, NEW.status_changed_at, NEW.status_changed_by, OLD.status, NEW.status, NEW.status_note);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS recommended_actions_history ON recommended_actions;

CREATE TRIGGER recommended_actions_history AFTER INSERT OR UPDATE ON recommended_actions
    FOR EACH ROW EXECUTE FUNCTION recommended_actions_history();
