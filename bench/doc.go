// Package bench measures an SWF and Step Functions endpoint the way its users feel it: heartbeats per
// second and their latency, heartbeat-timeout lateness with many open tasks, workflows completed per second,
// the time a server takes to answer again after a crash, and Step Functions' heartbeats, task wake-ups,
// state transitions and Map fan-out. `openswf-bench` (cmd/openswf-bench) is its command line; Run is the whole tool.
//
// The bench drives any SWF-compatible endpoint (Config.Endpoint), so other servers are measured the same way.
// Without an endpoint it starts openswf itself on a fresh SQLite file for every run of a workload: as a child
// process (Config.ServerExec, `<exec> serve --addr 127.0.0.1:0 --db FILE --poll-hold 1s`), so that client and
// server are separate processes as users run them, or in-process through package node.
//
// Setup (domains, types, workflows, decisions that schedule activities, polls that start them) always goes
// through the real AWS SDK for Go v2 client, which signs with the bench's own access key (servers without
// access control accept any). Load is sent either by that client (ClientSDK: what a worker
// feels, signing and middleware included, retries off so that errors are counted) or by a plain keep-alive
// HTTP client posting pre-built AWS JSON 1.0 requests (ClientRaw: the server's capacity without the client's
// cost hiding it).
//
// Workloads, each bounded in time and stopping by itself:
//
//   - echo: the same client and workers against a trivial JSON endpoint the bench serves itself on loopback,
//     the ceiling of the machine measured in the same run;
//   - heartbeat: Workers workers, each holding one started activity task, heartbeating as fast as they can or
//     at a total Rate, for Duration; with the ratio to echo when echo ran in the same invocation;
//   - heartbeat-auth: heartbeat against a server with access control on (`serve --auth FILE` with
//     AuthConfig: one user allowed swf:* on *), every request signed with the bench's key, the raw client's
//     too (a SigV4 signature per request with the SDK's v4 signer); with the ratio to heartbeat when both
//     ran in the same invocation (`--workload heartbeat,heartbeat-auth`);
//   - timers: Tasks started activity tasks whose heartbeat timeouts come due at TimeoutRate per second;
//     lateness of each ActivityTaskTimedOut against its deadline, and the server's peak RSS;
//   - workflows: Workflows executions of one decision, one activity and a completion, driven by concurrent
//     deciders and activity workers; workflows completed per second and end-to-end latency;
//   - recovery: Tasks open started tasks, then SIGKILL and a restart on the same database; the time from
//     process start to the first successful answer.
//   - fanout: one execution schedules Activities activity tasks that Workers workers take and complete;
//   - sfn-heartbeat: heartbeat through Step Functions' SendTaskHeartbeat, each worker holding the task of
//     one execution of a one-Task state machine; with the ratio to heartbeat when both ran in the same
//     invocation (run them together: `--workload heartbeat,sfn-heartbeat`, whose runs then take turns);
//   - sfn-wakeup: Workers GetActivityTask pollers waiting while executions of a one-Task machine start, one
//     at a time or at Rate; latency from the StartExecution acknowledgement to the poller's answer;
//   - sfn-transitions: Executions executions of a loop of 20 Pass and Choice states, Loops times each,
//     started concurrently; state transitions per second;
//   - sfn-map: an inline Map over Items items, each an activity task, with Workers workers; tasks per second
//     and poll latency.
//
// Tasks are spread over executions the way users usually run them, which also lets a server hand them out in
// parallel: one task per execution for heartbeat, tasksPerExecution (10) for timers and recovery, never more
// than SWF's 1000 open activities per execution.
//
// Latencies are exact percentiles of all samples (Summarize). With Runs > 1 each workload is repeated and the
// reported figures are medians of the runs, which are kept in Result.Runs.
package bench
