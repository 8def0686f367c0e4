-- Pending activity and decision tasks in the order a poller should get them: the highest task priority
-- first, then the longest waiting. A node that looks in the store for tasks other nodes scheduled
-- (FindPendingTasks) reads a few at a time; without this order it could take any few of many. Heartbeats
-- change none of these columns.
-- A record's time (RFC 3339 text) as the nanoseconds the store writes: 0 for none or Go's zero time, and
-- clamped to what a BIGINT holds, as the store clamps.
CREATE FUNCTION pg_temp.openswf_nanos(t TEXT) RETURNS BIGINT LANGUAGE SQL AS $$
	SELECT CASE
		WHEN t IS NULL OR t::timestamptz <= '0001-01-01T00:00:00Z' THEN 0
		ELSE (LEAST(GREATEST(EXTRACT(EPOCH FROM t::timestamptz), -9200000000), 9200000000) * 1000000000)::bigint
	END
$$;

ALTER TABLE activities
	ADD COLUMN priority     INTEGER NOT NULL DEFAULT 0,
	ADD COLUMN scheduled_at BIGINT NOT NULL DEFAULT 0;

UPDATE activities SET
	priority = COALESCE((data::jsonb ->> 'priority')::integer, 0),
	scheduled_at = pg_temp.openswf_nanos(data::jsonb ->> 'scheduledAt');

DROP INDEX activities_pending;
CREATE INDEX activities_pending ON activities (domain, task_list, priority DESC, scheduled_at, run_id, scheduled_id)
	WHERE started_id = 0;

-- The same for decision tasks. Their columns change only when decision_task_list does, so the updates that
-- were heap-only stay so. A decision task's priority is kept as text in the run's record: what is not an
-- integer counts as 0.
ALTER TABLE executions
	ADD COLUMN decision_priority     INTEGER NOT NULL DEFAULT 0,
	ADD COLUMN decision_scheduled_at BIGINT NOT NULL DEFAULT 0;

UPDATE executions SET
	decision_priority = COALESCE((
		SELECT LEAST(GREATEST(p::bigint, -2147483648), 2147483647)::integer
		FROM (SELECT state::jsonb -> 'decision' ->> 'priority' AS p) AS d
		WHERE p ~ '^[-+]?[0-9]{1,18}$'), 0),
	decision_scheduled_at = pg_temp.openswf_nanos(state::jsonb -> 'decision' ->> 'scheduledAt')
WHERE decision_task_list IS NOT NULL;

DROP INDEX executions_pending_decisions;
CREATE INDEX executions_pending_decisions ON executions (domain, decision_task_list, decision_priority DESC,
	decision_scheduled_at, run_id)
	WHERE decision_task_list IS NOT NULL;

DROP FUNCTION pg_temp.openswf_nanos(TEXT);
