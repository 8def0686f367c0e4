-- The initial schema. Columns hold what a query filters or orders on; the rest of each record is JSON in
-- data/state, so that the engine's records can grow without a migration. Times are integer Unix
-- nanoseconds (UTC), NULL for the zero time, so that they round-trip exactly.

CREATE TABLE domains (
	name   TEXT PRIMARY KEY,
	status TEXT NOT NULL,
	data   TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX domains_by_status ON domains (status, name);

CREATE TABLE types (
	domain  TEXT NOT NULL,
	kind    TEXT NOT NULL,
	name    TEXT NOT NULL,
	version TEXT NOT NULL,
	status  TEXT NOT NULL,
	data    TEXT NOT NULL,
	PRIMARY KEY (domain, kind, name, version)
) WITHOUT ROWID;

CREATE TABLE executions (
	run_id      TEXT PRIMARY KEY,
	domain      TEXT NOT NULL,
	workflow_id TEXT NOT NULL,
	open        INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	start_time  INTEGER,
	close_time  INTEGER,
	-- The task list of the execution's decision task while it is scheduled and not started; NULL otherwise.
	decision_task_list TEXT,
	state       TEXT NOT NULL
);

-- At most one open run per workflow id: a second Create fails here.
CREATE UNIQUE INDEX executions_open ON executions (domain, workflow_id) WHERE open = 1;
CREATE INDEX executions_pending_decisions ON executions (domain, decision_task_list)
	WHERE decision_task_list IS NOT NULL;

CREATE TABLE events (
	run_id TEXT NOT NULL,
	id     INTEGER NOT NULL,
	time   INTEGER NOT NULL,
	type   TEXT NOT NULL,
	attrs  BLOB,
	PRIMARY KEY (run_id, id)
) WITHOUT ROWID;

CREATE TABLE activities (
	run_id           TEXT NOT NULL,
	scheduled_id     INTEGER NOT NULL,
	domain           TEXT NOT NULL,
	task_list        TEXT NOT NULL,
	started_id       INTEGER NOT NULL,
	heartbeats       INTEGER NOT NULL,
	last_heartbeat   INTEGER,
	details          TEXT,
	cancel_requested INTEGER NOT NULL,
	data             TEXT NOT NULL,
	PRIMARY KEY (run_id, scheduled_id)
);

CREATE INDEX activities_pending ON activities (domain, task_list) WHERE started_id = 0;

CREATE TABLE timers (
	run_id TEXT NOT NULL,
	kind   TEXT NOT NULL,
	id     INTEGER NOT NULL,
	domain TEXT NOT NULL,
	due    INTEGER NOT NULL,
	PRIMARY KEY (run_id, kind, id)
) WITHOUT ROWID;

CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
