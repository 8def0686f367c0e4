-- Visibility and retention: the columns ListOpen/ListClosed/Count*WorkflowExecutions filter on, the
-- execution tags, and the indexes that serve those queries and the retention purge. Existing runs are
-- filled in from their JSON state.

ALTER TABLE executions ADD COLUMN type_name TEXT;
ALTER TABLE executions ADD COLUMN type_version TEXT;
-- NULL while the run is open.
ALTER TABLE executions ADD COLUMN close_status TEXT;

UPDATE executions SET
	type_name    = json_extract(state, '$.type.name'),
	type_version = json_extract(state, '$.type.version'),
	close_status = NULLIF(json_extract(state, '$.closeStatus'), '');

-- One row per distinct tag of a run's tag list (at most five), written when the run is created. A
-- tagFilter walks a list's time index and checks each run here by primary key, which stops as soon as a
-- page is full.
CREATE TABLE execution_tags (
	run_id TEXT NOT NULL,
	tag    TEXT NOT NULL,
	PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;

INSERT OR IGNORE INTO execution_tags (run_id, tag)
	SELECT e.run_id, j.value FROM executions e, json_each(e.state, '$.tagList') j;

-- Lists by start time, open or closed.
CREATE INDEX executions_by_start ON executions (domain, open, start_time, run_id);
-- Closed lists by close time, and the retention purge.
CREATE INDEX executions_by_close ON executions (domain, close_time, run_id) WHERE open = 0;
-- The executionFilter, typeFilter and closeStatusFilter, which queries name with INDEXED BY; each ends in
-- the order of the list it serves.
CREATE INDEX executions_by_workflow ON executions (domain, open, workflow_id, start_time, run_id);
CREATE INDEX executions_by_type ON executions (domain, open, type_name, type_version, start_time, run_id);
CREATE INDEX executions_by_status ON executions (domain, close_status, close_time, run_id) WHERE open = 0;
