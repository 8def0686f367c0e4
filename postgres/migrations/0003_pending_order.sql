-- Pending activity tasks in the order a poller should get them: the highest task priority first, then the
-- longest waiting. A node that looks in the store for tasks other nodes scheduled (FindPendingTasks) reads a
-- few at a time; without this order it could take any few of many. Heartbeats change none of these columns.
ALTER TABLE activities
	ADD COLUMN priority     INTEGER NOT NULL DEFAULT 0,
	ADD COLUMN scheduled_at BIGINT NOT NULL DEFAULT 0;

UPDATE activities SET
	priority = COALESCE((data::jsonb ->> 'priority')::integer, 0),
	scheduled_at = COALESCE((EXTRACT(EPOCH FROM (data::jsonb ->> 'scheduledAt')::timestamptz) * 1000000000)::bigint, 0);

DROP INDEX activities_pending;
CREATE INDEX activities_pending ON activities (domain, task_list, priority DESC, scheduled_at, run_id, scheduled_id)
	WHERE started_id = 0;
