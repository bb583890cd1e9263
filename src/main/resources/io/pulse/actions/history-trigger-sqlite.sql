-- Copies every change of recommended_actions.status (or of who it is assigned to) into
-- action_history (SQLite). Dropped and created at every start, so a database made by an older
-- Pulse gets the current condition.

CREATE TRIGGER IF NOT EXISTS recommended_actions_created AFTER INSERT ON recommended_actions
BEGIN
    INSERT INTO action_history (action_id, at, actor, from_status, to_status, note)
    VALUES (new.id, new.status_changed_at, new.status_changed_by, NULL, new.status, new.status_note);
END;

DROP TRIGGER IF EXISTS recommended_actions_transition;

CREATE TRIGGER recommended_actions_transition AFTER UPDATE ON recommended_actions
WHEN old.status IS NOT new.status OR old.status_changed_at IS NOT new.status_changed_at
    OR old.assignee IS NOT new.assignee OR old.escalated_at IS NOT new.escalated_at
BEGIN
    INSERT INTO action_history (action_id, at, actor, from_status, to_status, note)
    VALUES (new.id, new.status_changed_at, new.status_changed_by, old.status, new.status, new.status_note);
END;
