#!/usr/bin/env bash
# The aws CLI quick start: one workflow execution driven by hand, a decision and an activity task with
# heartbeats, then its history checked. Each step is one `aws swf` command, as you would type it.
#
#   examples/cli-quickstart.sh http://127.0.0.1:7740     against a running server
#   OPENSWF=./openswf examples/cli-quickstart.sh          starts ./openswf on a free port with a throwaway
#                                                         database (openswf on PATH without OPENSWF)
#
# Exits non-zero if a step fails or the history is not the expected one. Any credentials do for a server
# without access control; the endpoint is the server's URL.
set -euo pipefail

export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-example} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-example}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} AWS_PAGER=""

url=${1:-}
if [ -z "$url" ]; then
  tmp=$(mktemp -d)
  # --poll-hold 5s: a poll that finds nothing answers after 5 s rather than 55.
  "${OPENSWF:-openswf}" serve --addr 127.0.0.1:0 --db :memory: --poll-hold 5s 2>"$tmp/server.log" &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
  for _ in $(seq 1 100); do
    addr=$(sed -n 's/.*msg="openswf listening" addr=\([^ ]*\).*/\1/p' "$tmp/server.log")
    [ -n "$addr" ] && break
    kill -0 $server 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "openswf did not start" >&2; exit 1; }
  url=http://$addr
fi
swf() { aws --endpoint-url "$url" swf "$@"; }
step() { echo "== $*"; }

step "register a domain and the types"
swf register-domain --name quickstart --workflow-execution-retention-period-in-days 1
swf register-workflow-type --domain quickstart --name hello --workflow-version 1 \
  --default-task-list name=deciders --default-child-policy TERMINATE \
  --default-execution-start-to-close-timeout 600 --default-task-start-to-close-timeout 60
swf register-activity-type --domain quickstart --name greet --activity-version 1 \
  --default-task-list name=workers --default-task-heartbeat-timeout 30 \
  --default-task-schedule-to-start-timeout 60 --default-task-schedule-to-close-timeout 300 \
  --default-task-start-to-close-timeout 120

step "start an execution"
run_id=$(swf start-workflow-execution --domain quickstart --workflow-id hello-1 \
  --workflow-type name=hello,version=1 --input world --query runId --output text)
echo "runId $run_id"

step "the decider: poll, and schedule the activity"
token=$(swf poll-for-decision-task --domain quickstart --task-list name=deciders --identity decider \
  --query taskToken --output text)
swf respond-decision-task-completed --task-token "$token" --decisions '[{
  "decisionType": "ScheduleActivityTask",
  "scheduleActivityTaskDecisionAttributes": {
    "activityId": "greet-1", "activityType": {"name": "greet", "version": "1"}, "input": "world"}}]'

step "the worker: poll, heartbeat twice, complete"
read -r token input < <(swf poll-for-activity-task --domain quickstart --task-list name=workers --identity worker \
  --query '[taskToken, input]' --output text)
for progress in 50% 100%; do
  cancel=$(swf record-activity-task-heartbeat --task-token "$token" --details "$progress" \
    --query cancelRequested --output text)
  echo "heartbeat $progress: cancelRequested $cancel"
  [ "$cancel" = False ] || { echo "FAIL: cancellation requested, though nobody asked" >&2; exit 1; }
done
swf respond-activity-task-completed --task-token "$token" --result "hello, $input"

step "the decider: poll again, and complete the execution"
token=$(swf poll-for-decision-task --domain quickstart --task-list name=deciders --identity decider \
  --query taskToken --output text)
swf respond-decision-task-completed --task-token "$token" --decisions '[{
  "decisionType": "CompleteWorkflowExecution",
  "completeWorkflowExecutionDecisionAttributes": {"result": "done"}}]'

step "the history"
history=$(swf get-workflow-execution-history --domain quickstart --execution workflowId=hello-1,runId="$run_id" \
  --query 'events[].eventType' --output text | tr '\t' ' ')
echo "$history"
want="WorkflowExecutionStarted DecisionTaskScheduled DecisionTaskStarted DecisionTaskCompleted ActivityTaskScheduled ActivityTaskStarted ActivityTaskCompleted DecisionTaskScheduled DecisionTaskStarted DecisionTaskCompleted WorkflowExecutionCompleted"
[ "$history" = "$want" ] || { echo "FAIL: want the history $want" >&2; exit 1; }
result=$(swf get-workflow-execution-history --domain quickstart --execution workflowId=hello-1,runId="$run_id" \
  --query 'events[?eventType==`ActivityTaskCompleted`].activityTaskCompletedEventAttributes.result' --output text)
[ "$result" = "hello, world" ] || { echo "FAIL: the activity's result is \"$result\", want \"hello, world\"" >&2; exit 1; }
echo "quick start passed"
