-- Open activity tasks by domain and task list, for ListOpenActivityTasks: a keyset page of a domain's or a task
-- list's open tasks reads only its own rows. Heartbeats change none of these columns, so their updates stay
-- heap-only (HOT) and never touch it.
CREATE INDEX activities_by_domain ON activities (domain, task_list, run_id, scheduled_id);
