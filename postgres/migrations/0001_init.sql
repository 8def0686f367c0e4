-- The schema. As in the SQLite store, columns hold what a query filters or orders on, and the rest of each
-- record is JSON text in data/state, so that the engine's records can grow without a migration. Times are
-- Unix nanoseconds (UTC) in BIGINT, NULL for the zero time, so that they round-trip exactly. Text columns
-- that are ordered on use the "C" collation: byte order, as SQLite compares, whatever the database's
-- default collation.

CREATE TABLE domains (
	name   TEXT COLLATE "C" PRIMARY KEY,
	status TEXT NOT NULL,
	data   TEXT NOT NULL
);

CREATE INDEX domains_by_status ON domains (status, name);

CREATE TABLE types (
	domain  TEXT COLLATE "C" NOT NULL,
	kind    TEXT COLLATE "C" NOT NULL,
	name    TEXT COLLATE "C" NOT NULL,
	version TEXT COLLATE "C" NOT NULL,
	status  TEXT NOT NULL,
	data    TEXT NOT NULL,
	PRIMARY KEY (domain, kind, name, version)
);

CREATE TABLE executions (
	run_id             TEXT COLLATE "C" PRIMARY KEY,
	domain             TEXT COLLATE "C" NOT NULL,
	workflow_id        TEXT COLLATE "C" NOT NULL,
	open               BOOLEAN NOT NULL,
	version            BIGINT NOT NULL,
	start_time         BIGINT,
	close_time         BIGINT,
	-- The task list of the execution's decision task while it is scheduled and not started; NULL otherwise.
	decision_task_list TEXT COLLATE "C",
	state              TEXT NOT NULL,
	type_name          TEXT COLLATE "C",
	type_version       TEXT COLLATE "C",
	-- NULL while the run is open.
	close_status       TEXT COLLATE "C"
);

-- At most one open run per workflow id: a second Create fails here.
CREATE UNIQUE INDEX executions_open ON executions (domain, workflow_id) WHERE open;
CREATE INDEX executions_pending_decisions ON executions (domain, decision_task_list)
	WHERE decision_task_list IS NOT NULL;
-- Lists by start time, open or closed.
CREATE INDEX executions_by_start ON executions (domain, open, start_time, run_id);
-- Closed lists by close time, and the retention purge.
CREATE INDEX executions_by_close ON executions (domain, close_time, run_id) WHERE NOT open;
-- The executionFilter, typeFilter and closeStatusFilter, each ending in the order of the list it serves.
CREATE INDEX executions_by_workflow ON executions (domain, open, workflow_id, start_time, run_id);
CREATE INDEX executions_by_type ON executions (domain, open, type_name, type_version, start_time, run_id);
CREATE INDEX executions_by_status ON executions (domain, close_status, close_time, run_id) WHERE NOT open;

-- One row per distinct tag of a run's tag list, written when the run is created.
CREATE TABLE execution_tags (
	run_id TEXT COLLATE "C" NOT NULL,
	tag    TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (run_id, tag)
);

CREATE TABLE events (
	run_id TEXT COLLATE "C" NOT NULL,
	id     BIGINT NOT NULL,
	time   BIGINT NOT NULL,
	type   TEXT NOT NULL,
	attrs  BYTEA,
	PRIMARY KEY (run_id, id)
);

-- Open activity tasks with their heartbeat state, which heartbeats update in place.
CREATE TABLE activities (
	run_id           TEXT COLLATE "C" NOT NULL,
	scheduled_id     BIGINT NOT NULL,
	domain           TEXT COLLATE "C" NOT NULL,
	task_list        TEXT COLLATE "C" NOT NULL,
	started_id       BIGINT NOT NULL,
	heartbeats       BIGINT NOT NULL,
	last_heartbeat   BIGINT,
	details          TEXT,
	cancel_requested BOOLEAN NOT NULL,
	data             TEXT NOT NULL,
	PRIMARY KEY (run_id, scheduled_id)
) WITH (fillfactor = 70); -- room on each page for heartbeats to update rows in place (HOT updates)

CREATE INDEX activities_pending ON activities (domain, task_list) WHERE started_id = 0;

-- Durable deadlines. part is the run's timer partition (openswf.TimerPartition), whose lease says which node
-- fires them.
CREATE TABLE timers (
	run_id TEXT COLLATE "C" NOT NULL,
	kind   TEXT COLLATE "C" NOT NULL,
	id     BIGINT NOT NULL,
	domain TEXT COLLATE "C" NOT NULL,
	due    BIGINT NOT NULL,
	part   SMALLINT NOT NULL,
	PRIMARY KEY (run_id, kind, id)
);

CREATE INDEX timers_by_part ON timers (part, run_id, kind, id);

-- The nodes sharing the database: each renews its row while it runs, and the live ones split the timer
-- partitions between them.
CREATE TABLE nodes (
	id      TEXT COLLATE "C" PRIMARY KEY,
	started TIMESTAMPTZ NOT NULL,
	expires TIMESTAMPTZ NOT NULL
);

-- One lease per timer partition. A node fires a partition's timers while it holds the lease unexpired;
-- every take increments epoch, and a timer's transition commits only with the lease's current owner and
-- epoch (the fence), so that a node that lost its lease cannot act on a deadline.
CREATE TABLE timer_leases (
	part    SMALLINT PRIMARY KEY,
	owner   TEXT COLLATE "C",
	epoch   BIGINT NOT NULL DEFAULT 0,
	expires TIMESTAMPTZ
);

INSERT INTO timer_leases (part) SELECT generate_series(0, 63);

CREATE TABLE secrets (
	name  TEXT COLLATE "C" PRIMARY KEY,
	value BYTEA NOT NULL
);
