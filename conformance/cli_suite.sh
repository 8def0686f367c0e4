#!/usr/bin/env bash
# openswf conformance suite, aws CLI half: drives a running openswf with Debian's aws CLI (/usr/bin/aws).
#
#   bash conformance/cli_suite.sh http://127.0.0.1:PORT
#   CONFORMANCE_CA_BUNDLE=cert.pem bash conformance/cli_suite.sh https://127.0.0.1:PORT
#
# Every case is a function named cli_*; the runner runs each in a fresh `bash -e` under `timeout` (GNU timeout
# kills the whole process group, so a hung aws process goes too) and prints one line per case:
#   PASS name | FAIL name: reason | PENDING name: reason  (group listed in $CONFORMANCE_PENDING; not a failure)
# then `# cli suite done: …`, and exits 1 if any case failed. A case's reason is the last line it printed.
# CONFORMANCE_ONLY (a bash regular expression) limits the run to matching case names; CONFORMANCE_CASE_LIMIT
# sets the seconds one case may take (default 90). With CONFORMANCE_AUTH=1 (the server runs with access control)
# every call signs with CONFORMANCE_ACCESS_KEY_ID / CONFORMANCE_SECRET_ACCESS_KEY, the admin's key, and the auth
# cases sign as the restricted users of CONFORMANCE_AUTH_FILE; without it they print `SKIP name: reason`.
#
# The CLI's own defaults are kept (timeouts included); only retries are turned off (AWS_MAX_ATTEMPTS=1) so that
# a 5xx answer fails the case instead of being retried away. JSON output is read with /usr/bin/python3's
# standard library.
set -uo pipefail

if [ "${1:-}" = --case ]; then
  MODE=case NAME=$2 URL=$3
else
  MODE=suite URL=${1:?usage: cli_suite.sh ENDPOINT_URL}
fi
SELF=$(readlink -f "$0")
PY=/usr/bin/python3
CASE_LIMIT=${CONFORMANCE_CASE_LIMIT:-90} # seconds per case

# Credentials and configuration come from here only, never from the machine's ~/.aws.
# The key is the admin's when the server runs with access control (run.sh with CONFORMANCE_AUTH=1), else any.
export AWS_ACCESS_KEY_ID=${CONFORMANCE_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${CONFORMANCE_SECRET_ACCESS_KEY:-y}
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_MAX_ATTEMPTS=1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE PYTHONPATH
export PYTHONNOUSERSITE=1
AWS="/usr/bin/aws --endpoint-url $URL --region us-east-1"
# An HTTPS endpoint's certificate is verified with CONFORMANCE_CA_BUNDLE (run.sh with CONFORMANCE_TLS=1).
if [ -n "${CONFORMANCE_CA_BUNDLE:-}" ]; then
  AWS="$AWS --ca-bundle $CONFORMANCE_CA_BUNDLE"
fi

# ----------------------------------------------------------------------------------------------------------
# Helpers (used inside cases, which run under `set -eE`)

die() { echo "$*"; exit 1; }

# swf ARGS…: one aws swf call with JSON output.
swf() { $AWS swf "$@" --output json; }

# jget EXPR: evaluates the Python expression EXPR over the JSON document on stdin, bound to d; prints strings
# bare and anything else as JSON.
jget() {
  "$PY" -c 'import json, sys
d = json.loads(sys.stdin.read() or "{}")
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

# expect GOT WANT WHAT
expect() { [ "$1" = "$2" ] || die "$3: got $1, want $2"; }

uid() { echo "$1-$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')"; }

# new_world TAG: a fresh domain with workflow type wf 1 and activity type act 1; sets DOMAIN, DTL, ATL.
new_world() {
  DOMAIN=$(uid "cf-cli-$1") DTL=$(uid decisions) ATL=$(uid activities)
  swf register-domain --name "$DOMAIN" --workflow-execution-retention-period-in-days 1
  swf register-workflow-type --domain "$DOMAIN" --name wf --workflow-version 1 \
    --default-task-list name="$DTL" --default-task-start-to-close-timeout 30 \
    --default-execution-start-to-close-timeout 600 --default-child-policy TERMINATE
  swf register-activity-type --domain "$DOMAIN" --name act --activity-version 1 \
    --default-task-list name="$ATL" --default-task-schedule-to-start-timeout NONE \
    --default-task-schedule-to-close-timeout NONE --default-task-start-to-close-timeout 600 \
    --default-task-heartbeat-timeout NONE
}

# start_run: starts a run of wf 1; sets WID and RUN.
start_run() {
  WID=$(uid wf)
  RUN=$(swf start-workflow-execution --domain "$DOMAIN" --workflow-id "$WID" --workflow-type name=wf,version=1 | jget 'd["runId"]')
}

# poll_decision: long-polls (the CLI's default timeouts) until a decision task arrives; sets DT (the token)
# and DT_JSON (the whole answer, auto-paginated).
poll_decision() {
  local i
  for i in 1 2 3 4 5; do
    DT_JSON=$(swf poll-for-decision-task --domain "$DOMAIN" --task-list name="$DTL" --identity cli-decider)
    DT=$(jget 'd.get("taskToken") or ""' <<<"$DT_JSON")
    [ -n "$DT" ] && return 0
  done
  die "no decision task on $DTL"
}

poll_activity() {
  local i out
  for i in 1 2 3 4 5; do
    out=$(swf poll-for-activity-task --domain "$DOMAIN" --task-list name="$ATL" --identity cli-worker)
    TOKEN=$(jget 'd.get("taskToken") or ""' <<<"$out")
    [ -n "$TOKEN" ] && return 0
  done
  die "no activity task on $ATL"
}

# start_activity HEARTBEAT_TIMEOUT: a run whose decider scheduled activity a1; sets WID, RUN, TOKEN.
start_activity() {
  start_run
  poll_decision
  swf respond-decision-task-completed --task-token "$DT" --decisions "[{\"decisionType\":\"ScheduleActivityTask\",
    \"scheduleActivityTaskDecisionAttributes\":{\"activityType\":{\"name\":\"act\",\"version\":\"1\"},
    \"activityId\":\"a1\",\"heartbeatTimeout\":\"$1\",\"startToCloseTimeout\":\"120\"}}]"
  poll_activity
}

history() { swf get-workflow-execution-history --domain "$DOMAIN" --execution workflowId="$WID",runId="$RUN" "$@"; }

# wait_for EVENT_TYPE: polls the history for up to 15 s; prints the attributes of the last such event.
wait_for() {
  local i out
  for i in $(seq 1 30); do
    out=$(history | jget "[e for e in d['events'] if e['eventType'] == '$1']")
    if [ "$out" != "[]" ]; then
      jget 'd[-1][d[-1]["eventType"][0].lower() + d[-1]["eventType"][1:] + "EventAttributes"]' <<<"$out"
      return 0
    fi
    sleep 0.5
  done
  die "no $1 in the history within 15 s"
}

# fails_with CODE EXIT_CODE CMD…: runs an aws CLI command that must fail with the service error CODE and the
# CLI's exit code EXIT_CODE, printing AWS's usual `An error occurred (CODE) when calling the … operation`.
fails_with() {
  local code=$1 want_rc=$2 rc=0
  shift 2
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  [ "$rc" = "$want_rc" ] || die "$*: exit code $rc, want $want_rc; stderr: $(tr '\n' ' ' <"$WORK/err")"
  grep -q "An error occurred ($code) when calling the [A-Za-z]* operation" "$WORK/err" ||
    die "stderr lacks 'An error occurred ($code)': $(tr '\n' ' ' <"$WORK/err")"
}

# as_user NAME CMD…: runs CMD signing with the key of the user NAME of the access control file.
as_user() {
  local keys
  keys=$("$PY" -c 'import json, sys
u = next(u for u in json.load(open(sys.argv[1]))["users"] if u["name"] == sys.argv[2])
print(u["accessKeys"][0]["accessKeyId"], u["accessKeys"][0]["secretAccessKey"])' "${CONFORMANCE_AUTH_FILE:?no access control file}" "$1") ||
    die "no user $1 in $CONFORMANCE_AUTH_FILE"
  shift
  AWS_ACCESS_KEY_ID=${keys%% *} AWS_SECRET_ACCESS_KEY=${keys#* } "$@"
}

# not_authorized USER ACTION RESOURCE: the last fails_with's stderr carries IAM's message for that refusal.
not_authorized() {
  local want
  want="An error occurred ([A-Za-z]*) when calling the [A-Za-z]* operation.*: User: arn:aws:iam::[0-9]\{12\}:user/$1"
  want="$want is not authorized to perform: $2 on resource: $3 because no identity-based policy allows the $2 action"
  grep -q "^$want" "$WORK/err" || die "stderr lacks IAM's refusal of $2 on $3 to $1: $(tr '\n' ' ' <"$WORK/err")"
}

# ----------------------------------------------------------------------------------------------------------
# Cases

cli_lifecycle() {
  new_world life
  start_run
  expect "$(swf count-pending-decision-tasks --domain "$DOMAIN" --task-list name="$DTL" | jget 'd["count"]')" 1 "pending decision tasks"
  poll_decision
  expect "$(jget '[e["eventType"] for e in d["events"]]' <<<"$DT_JSON")" \
    '["WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"]' "first decision task events"
  swf respond-decision-task-completed --task-token "$DT" --decisions \
    '[{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityType":{"name":"act","version":"1"},"activityId":"charge-1","input":"card"}}]'
  poll_activity
  expect "$(swf record-activity-task-heartbeat --task-token "$TOKEN" --details "50%" | jget 'd["cancelRequested"]')" false cancelRequested
  swf respond-activity-task-completed --task-token "$TOKEN" --result ok
  poll_decision
  expect "$(jget '[e["activityTaskCompletedEventAttributes"]["result"] for e in d["events"] if e["eventType"] == "ActivityTaskCompleted"]' <<<"$DT_JSON")" '["ok"]' "ActivityTaskCompleted.result"
  swf respond-decision-task-completed --task-token "$DT" --decisions \
    '[{"decisionType":"CompleteWorkflowExecution","completeWorkflowExecutionDecisionAttributes":{"result":"done"}}]'
  expect "$(swf describe-workflow-execution --domain "$DOMAIN" --execution workflowId="$WID",runId="$RUN" |
    jget 'd["executionInfo"]["executionStatus"] + " " + d["executionInfo"]["closeStatus"]')" "CLOSED COMPLETED" "execution status"
  expect "$(history --query 'events[].eventType' | jget 'len(d)')" 11 "history length"
}

cli_heartbeat_details() {
  new_world hb
  # One CLI call (a Python start-up, a TLS handshake under CONFORMANCE_TLS) runs between the task's start and
  # its heartbeat: 5 s leaves room on a loaded machine (3 s was once not enough).
  start_activity 5
  local out
  out=$($AWS swf record-activity-task-heartbeat --task-token "$TOKEN" --details "50% done" --output json)
  expect "$(jget 'd["cancelRequested"]' <<<"$out")" false cancelRequested
  # The server kept the details: the heartbeat timeout that follows carries them.
  expect "$(wait_for ActivityTaskTimedOut | jget 'd["timeoutType"] + "|" + d.get("details", "")')" "HEARTBEAT|50% done" \
    "ActivityTaskTimedOut timeoutType|details"
  fails_with UnknownResourceFault 254 $AWS swf record-activity-task-heartbeat --task-token "$TOKEN" --details late
}

cli_heartbeat_cli_input_json() {
  new_world hbjson
  # Two CLI calls (each a Python start-up) run between heartbeats: 6 s leaves room on a loaded machine.
  start_activity 6
  local input out
  input=$("$PY" -c 'import json, sys; print(json.dumps({"taskToken": sys.argv[1], "details": "from --cli-input-json"}))' "$TOKEN")
  out=$($AWS swf record-activity-task-heartbeat --cli-input-json "$input" --output json)
  expect "$(jget 'd["cancelRequested"]' <<<"$out")" false cancelRequested
  # And the file:// form.
  "$PY" -c 'import json, sys; print(json.dumps({"taskToken": sys.argv[1], "details": "from a file"}))' "$TOKEN" >"$WORK/hb.json"
  $AWS swf record-activity-task-heartbeat --cli-input-json "file://$WORK/hb.json" --output json >/dev/null
  expect "$(wait_for ActivityTaskTimedOut | jget 'd.get("details", "")')" "from a file" "ActivityTaskTimedOut.details"
  fails_with UnknownResourceFault 254 $AWS swf record-activity-task-heartbeat --cli-input-json "$input"
}

cli_heartbeat_cancel_requested() {
  new_world hbcancel
  start_activity 60
  swf signal-workflow-execution --domain "$DOMAIN" --workflow-id "$WID" --signal-name stop
  poll_decision
  swf respond-decision-task-completed --task-token "$DT" --decisions \
    '[{"decisionType":"RequestCancelActivityTask","requestCancelActivityTaskDecisionAttributes":{"activityId":"a1"}}]'
  expect "$(swf record-activity-task-heartbeat --task-token "$TOKEN" --details stopping | jget 'd["cancelRequested"]')" true cancelRequested
  swf respond-activity-task-canceled --task-token "$TOKEN" --details "cleaned up"
  expect "$(wait_for ActivityTaskCanceled | jget 'd.get("details", "")')" "cleaned up" "ActivityTaskCanceled.details"
}

cli_list_domains_autopaginate() {
  local prefix names out
  prefix=$(uid cf-cli-many)
  for i in 1 2 3 4 5; do
    swf register-domain --name "$prefix-$i" --workflow-execution-retention-period-in-days 1
  done
  # One page really holds at most 2 domains, so the aggregated list below took several requests.
  out=$(swf list-domains --registration-status REGISTERED --maximum-page-size 2 --no-paginate)
  expect "$(jget 'len(d["domainInfos"])' <<<"$out")" 2 "domains on one page of --page-size 2"
  [ -n "$(jget 'd.get("nextPageToken") or ""' <<<"$out")" ] || die "first page has no nextPageToken"
  out=$(swf list-domains --registration-status REGISTERED --page-size 2)
  expect "$(jget "sorted(i['name'] for i in d['domainInfos'] if i['name'].startswith('$prefix-'))" <<<"$out")" \
    "[\"$prefix-1\", \"$prefix-2\", \"$prefix-3\", \"$prefix-4\", \"$prefix-5\"]" "domains in the auto-paginated list"
  expect "$(jget 'len(d["domainInfos"]) == len({i["name"] for i in d["domainInfos"]})' <<<"$out")" true "no domain listed twice"
  expect "$(jget '"nextPageToken" in d' <<<"$out")" false "aggregated output has a nextPageToken"
}

cli_history_autopaginate() {
  new_world hist
  start_run
  for i in 1 2 3 4 5; do
    swf signal-workflow-execution --domain "$DOMAIN" --workflow-id "$WID" --signal-name "s$i" --input "$i"
  done
  local out
  out=$(history --maximum-page-size 2 --no-paginate)
  expect "$(jget 'len(d["events"])' <<<"$out")" 2 "events on one page of --page-size 2"
  out=$(history --page-size 2)
  expect "$(jget '[e["eventId"] for e in d["events"]]' <<<"$out")" "[1, 2, 3, 4, 5, 6, 7]" "eventIds auto-paginated"
  expect "$(jget '[e["workflowExecutionSignaledEventAttributes"]["signalName"] for e in d["events"][2:]]' <<<"$out")" \
    '["s1", "s2", "s3", "s4", "s5"]' "signals"
  out=$(history --page-size 3 --reverse-order)
  expect "$(jget '[e["eventId"] for e in d["events"]]' <<<"$out")" "[7, 6, 5, 4, 3, 2, 1]" "eventIds with --reverse-order"
}

cli_long_poll_activity_empty() {
  new_world pollact
  local begin took out
  begin=$(date +%s.%N)
  out=$($AWS swf poll-for-activity-task --domain "$DOMAIN" --task-list name=nobody-home --output json)
  took=$("$PY" -c "import sys; print(round($(date +%s.%N) - $begin, 1))")
  expect "$(jget '"taskToken" in d' <<<"$out")" false "taskToken key in an empty activity poll"
  "$PY" -c "import sys; sys.exit(not 2 <= $took <= 20)" || die "empty poll returned after ${took}s, want the server's hold (3 s)"
}

cli_long_poll_decision_empty() {
  new_world polldec
  local begin took out
  begin=$(date +%s.%N)
  # The CLI auto-paginates this operation and fills the paginator's non-aggregate keys with null.
  out=$($AWS swf poll-for-decision-task --domain "$DOMAIN" --task-list name=nobody-home --output json)
  took=$("$PY" -c "import sys; print(round($(date +%s.%N) - $begin, 1))")
  expect "$(jget 'd.get("taskToken")' <<<"$out")" null "taskToken of an empty decision poll"
  expect "$(jget 'd.get("events", [])' <<<"$out")" "[]" "events of an empty decision poll"
  "$PY" -c "import sys; sys.exit(not 2 <= $took <= 20)" || die "empty poll returned after ${took}s, want the server's hold (3 s)"
  out=$($AWS swf poll-for-decision-task --domain "$DOMAIN" --task-list name=nobody-home --no-paginate --output json)
  expect "$(jget '"taskToken" in d' <<<"$out")" false "taskToken key in an empty decision poll (--no-paginate)"
}

cli_fault_exit_codes() {
  new_world faults
  # As users run it: the CLI's default retry settings (it does not retry these 400s).
  unset AWS_MAX_ATTEMPTS
  # Debian's aws-cli 2.9.19: 254 for an error the service answered, 252 for a parameter the CLI rejected itself.
  fails_with UnknownResourceFault 254 $AWS swf describe-domain --name "$(uid nope)"
  grep -q '^An error occurred (UnknownResourceFault) when calling the DescribeDomain operation: .' "$WORK/err" ||
    die "stderr: $(tr '\n' ' ' <"$WORK/err")"
  fails_with DomainAlreadyExistsFault 254 $AWS swf register-domain --name "$DOMAIN" --workflow-execution-retention-period-in-days 1
  fails_with TypeAlreadyExistsFault 254 $AWS swf register-activity-type --domain "$DOMAIN" --name act --activity-version 1
  fails_with UnknownResourceFault 254 $AWS swf record-activity-task-heartbeat --task-token not-a-token
  fails_with ValidationException 254 $AWS swf list-domains --registration-status GONE
  local rc=0
  $AWS swf record-activity-task-heartbeat --task-token "" >"$WORK/out" 2>"$WORK/err" || rc=$?
  expect "$rc" 252 "exit code for a parameter botocore rejects"
  grep -q "Invalid length for parameter taskToken" "$WORK/err" || die "stderr: $(tr '\n' ' ' <"$WORK/err")"
}

cli_visibility_autopaginate() {
  new_world vis
  local i out
  for i in 1 2 3 4 5; do
    swf start-workflow-execution --domain "$DOMAIN" --workflow-id "run-$i" --workflow-type name=wf,version=1 >/dev/null
  done
  out=$(swf list-open-workflow-executions --domain "$DOMAIN" --start-time-filter oldestDate=2000-01-01T00:00:00Z --page-size 2)
  expect "$(jget 'sorted(i["execution"]["workflowId"] for i in d["executionInfos"])' <<<"$out")" \
    '["run-1", "run-2", "run-3", "run-4", "run-5"]' "open executions auto-paginated"
  expect "$(swf count-open-workflow-executions --domain "$DOMAIN" --start-time-filter oldestDate=2000-01-01T00:00:00Z | jget 'd["count"]')" 5 "count"
}

cli_tags() {
  new_world tags
  local arn
  arn=$(swf describe-domain --name "$DOMAIN" | jget 'd["domainInfo"]["arn"]')
  swf tag-resource --resource-arn "$arn" --tags key=team,value=core
  expect "$(swf list-tags-for-resource --resource-arn "$arn" | jget 'd["tags"]')" '[{"key": "team", "value": "core"}]' tags
  swf untag-resource --resource-arn "$arn" --tag-keys team
  expect "$(swf list-tags-for-resource --resource-arn "$arn" | jget 'd.get("tags", [])')" '[]' "tags after untag"
}

# ----------------------------------------------------------------------------------------------------------
# Step Functions

ROLE=arn:aws:iam::000000000000:role/openswf-conformance

# sfn ARGS…: one aws stepfunctions call with JSON output.
sfn() { $AWS stepfunctions "$@" --output json; }

# get_task ACTIVITY_ARN: long-polls GetActivityTask until a task arrives; sets TOKEN and TASK_INPUT.
get_task() {
  local i out
  for i in 1 2 3 4 5; do
    out=$(sfn get-activity-task --activity-arn "$1" --worker-name cli-worker)
    TOKEN=$(jget 'd.get("taskToken") or ""' <<<"$out")
    TASK_INPUT=$(jget 'd.get("input") or ""' <<<"$out")
    [ -n "$TOKEN" ] && return 0
  done
  die "no task for $1"
}

# new_flow TAG: a fresh activity and a state machine created from a definition file (file://) whose one Task
# runs on it, with HeartbeatSeconds 10 and TimeoutSeconds 60; sets ACT, SM and DEF (the file).
new_flow() {
  ACT=$(sfn create-activity --name "$(uid "cf-cli-$1")" | jget 'd["activityArn"]')
  DEF=$WORK/definition.json
  cat >"$DEF" <<JSON
{
  "Comment": "conformance: one activity task",
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "$ACT", "HeartbeatSeconds": 10, "TimeoutSeconds": 60,
             "ResultPath": "\$.result", "End": true}
  }
}
JSON
  SM=$(sfn create-state-machine --name "$(uid "cf-cli-$1")" --definition "file://$DEF" --role-arn "$ROLE" |
    jget 'd["stateMachineArn"]')
}

cli_states_activity_worker() {
  new_flow worker
  # The definition arrived as the file holds it.
  expect "$(sfn describe-state-machine --state-machine-arn "$SM" | jget "d['definition'] == open('$DEF').read()")" true \
    "definition read back as the file holds it"
  local exec out input
  exec=$(sfn start-execution --state-machine-arn "$SM" --input '{"n": 1}' | jget 'd["executionArn"]')
  get_task "$ACT"
  expect "$TASK_INPUT" '{"n":1}' "task input"
  expect "$(sfn send-task-heartbeat --task-token "$TOKEN")" "" "send-task-heartbeat output"
  input=$("$PY" -c 'import json, sys; print(json.dumps({"taskToken": sys.argv[1], "output": "{\"ok\": true}"}))' "$TOKEN")
  sfn send-task-success --cli-input-json "$input" >/dev/null
  out=$(sfn describe-execution --execution-arn "$exec")
  expect "$(jget 'd["status"]' <<<"$out")" SUCCEEDED status
  expect "$(jget 'json.loads(d["output"])' <<<"$out")" '{"n": 1, "result": {"ok": true}}' output
  # The CLI reads every page of the history (--page-size 2: four requests).
  out=$(sfn get-execution-history --execution-arn "$exec" --page-size 2)
  expect "$(jget '[[e["id"], e["previousEventId"], e["type"]] for e in d["events"]]' <<<"$out")" \
    '[[1, 0, "ExecutionStarted"], [2, 0, "TaskStateEntered"], [3, 2, "ActivityScheduled"], [4, 3, "ActivityStarted"], [5, 4, "ActivitySucceeded"], [6, 5, "TaskStateExited"], [7, 6, "ExecutionSucceeded"]]' \
    "history (id, previousEventId, type)"
  expect "$(jget '[e["activityStartedEventDetails"]["workerName"] for e in d["events"] if e["type"] == "ActivityStarted"]' <<<"$out")" \
    '["cli-worker"]' "ActivityStarted.workerName"
  # The task is closed: its token is TaskTimedOut; a token the server never sealed is InvalidToken.
  fails_with TaskTimedOut 254 $AWS stepfunctions send-task-heartbeat --task-token "$TOKEN"
  fails_with TaskTimedOut 254 $AWS stepfunctions send-task-success --cli-input-json "$input"
  fails_with InvalidToken 254 $AWS stepfunctions send-task-heartbeat --task-token forged-token
}

cli_states_stop_execution() {
  new_flow stop
  local exec
  # StopExecution while the worker holds the task: ABORTED with the error and cause, and the token is dead.
  exec=$(sfn start-execution --state-machine-arn "$SM" | jget 'd["executionArn"]')
  get_task "$ACT"
  sfn stop-execution --execution-arn "$exec" --error Stopped --cause "by the CLI" >/dev/null
  expect "$(sfn describe-execution --execution-arn "$exec" | jget 'd["status"] + "|" + d.get("error", "") + "|" + d.get("cause", "")')" \
    "ABORTED|Stopped|by the CLI" "stopped execution"
  fails_with TaskTimedOut 254 $AWS stepfunctions send-task-failure --task-token "$TOKEN" --error Late
}

cli_states_faults() {
  local name arn
  # The error lines users see: the CLI's default retry settings (it does not retry these 400s).
  unset AWS_MAX_ATTEMPTS
  name=$(uid cf-cli-gone)
  arn=$(sfn create-activity --name "$name" | jget 'd["activityArn"]')
  expect "$(sfn create-activity --name "$name" | jget 'd["activityArn"]')" "$arn" "CreateActivity again (idempotent)"
  sfn delete-activity --activity-arn "$arn"
  fails_with ActivityDoesNotExist 254 $AWS stepfunctions describe-activity --activity-arn "$arn"
  grep -q "^An error occurred (ActivityDoesNotExist) when calling the DescribeActivity operation: Activity Does Not Exist: '$arn'\$" "$WORK/err" ||
    die "stderr: $(tr '\n' ' ' <"$WORK/err")"
  fails_with InvalidName 254 $AWS stepfunctions create-activity --name "bad name"
  grep -q "^An error occurred (InvalidName) when calling the CreateActivity operation: Invalid Name: 'bad name'\$" "$WORK/err" ||
    die "stderr: $(tr '\n' ' ' <"$WORK/err")"
  fails_with InvalidArn 254 $AWS stepfunctions describe-activity --activity-arn resize
  grep -q "^An error occurred (InvalidArn) when calling the DescribeActivity operation: Invalid Arn: 'Invalid ARN prefix: resize'\$" "$WORK/err" ||
    die "stderr: $(tr '\n' ' ' <"$WORK/err")"
  echo '{"StartAt": "Nowhere", "States": {}}' >"$WORK/bad.json"
  fails_with InvalidDefinition 254 $AWS stepfunctions create-state-machine --name "$(uid cf-cli-bad)" \
    --definition "file://$WORK/bad.json" --role-arn "$ROLE"
  fails_with InvalidToken 254 $AWS stepfunctions send-task-success --task-token forged-token --task-output '{}'
}

# ----------------------------------------------------------------------------------------------------------
# Access control: run with CONFORMANCE_AUTH=1 only (see run.sh for the users and their policies)

cli_auth_worker() {
  local bill batl btoken pay out
  # A task of the authbill domain, polled by the admin: its token names that domain.
  new_world authbill
  bill=$DOMAIN batl=$ATL
  start_activity NONE
  btoken=$TOKEN
  new_world authpay
  pay=$DOMAIN
  # In its own domain the worker polls the admin's task, heartbeats it and completes it.
  start_run
  poll_decision
  swf respond-decision-task-completed --task-token "$DT" --decisions '[{"decisionType":"ScheduleActivityTask",
    "scheduleActivityTaskDecisionAttributes":{"activityType":{"name":"act","version":"1"},"activityId":"a1"}}]'
  out=$(as_user authpay-worker swf poll-for-activity-task --domain "$pay" --task-list name="$ATL" --identity cli-auth-worker)
  TOKEN=$(jget 'd.get("taskToken") or ""' <<<"$out")
  [ -n "$TOKEN" ] || die "the worker's poll of its own domain found no task: $out"
  expect "$(as_user authpay-worker swf record-activity-task-heartbeat --task-token "$TOKEN" | jget 'd["cancelRequested"]')" false cancelRequested
  as_user authpay-worker swf respond-activity-task-completed --task-token "$TOKEN" --result paid
  expect "$(wait_for ActivityTaskCompleted | jget 'd.get("result", "")')" paid "ActivityTaskCompleted.result"
  # Anywhere else, and any other action, it is refused.
  fails_with OperationNotPermittedFault 254 as_user authpay-worker $AWS swf poll-for-activity-task --domain "$bill" --task-list name="$batl"
  not_authorized authpay-worker swf:PollForActivityTask "arn:aws:swf:[a-z0-9-]*:[0-9]*:/domain/$bill"
  fails_with OperationNotPermittedFault 254 as_user authpay-worker $AWS swf describe-domain --name "$pay"
  not_authorized authpay-worker swf:DescribeDomain "arn:aws:swf:[a-z0-9-]*:[0-9]*:/domain/$pay"
  fails_with OperationNotPermittedFault 254 as_user authpay-worker $AWS swf record-activity-task-heartbeat --task-token "$btoken"
  not_authorized authpay-worker swf:RecordActivityTaskHeartbeat "arn:aws:swf:[a-z0-9-]*:[0-9]*:/domain/$bill"
  fails_with OperationNotPermittedFault 254 as_user authpay-worker $AWS swf respond-activity-task-failed --task-token "$btoken"
  # The refusals changed nothing: the billing task is still the admin's to heartbeat.
  expect "$(swf record-activity-task-heartbeat --task-token "$btoken" | jget 'd["cancelRequested"]')" false "the admin's heartbeat"
}

cli_auth_decision_not_permitted() {
  local i out
  new_world authtimer
  start_run
  for i in 1 2 3 4 5; do
    out=$(as_user no-timer-decider swf poll-for-decision-task --domain "$DOMAIN" --task-list name="$DTL" --no-paginate)
    DT=$(jget 'd.get("taskToken") or ""' <<<"$out")
    [ -n "$DT" ] && break
  done
  [ -n "$DT" ] || die "the decider found no decision task"
  as_user no-timer-decider swf respond-decision-task-completed --task-token "$DT" --decisions \
    '[{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"t1","startToFireTimeout":"60"}}]'
  expect "$(wait_for StartTimerFailed | jget 'd["timerId"] + "|" + d["cause"]')" "t1|OPERATION_NOT_PERMITTED" "StartTimerFailed timerId|cause"
  expect "$(history | jget '"TimerStarted" in [e["eventType"] for e in d["events"]]')" false "a TimerStarted event"
}

cli_auth_states_access_denied() {
  local name
  name=$(uid cf-cli-authsfn)
  fails_with AccessDeniedException 254 as_user states-reader $AWS stepfunctions create-activity --name "$name"
  not_authorized states-reader states:CreateActivity "arn:aws:states:us-east-1:[0-9]*:activity:$name"
  # What it may do, it does; and the refused activity does not exist.
  expect "$(as_user states-reader sfn list-activities | jget "'$name' in [a['name'] for a in d['activities']]")" false \
    "the refused activity listed"
}

cli_auth_signature_faults() {
  local call
  for call in "swf list-domains --registration-status REGISTERED" "stepfunctions list-activities"; do
    # shellcheck disable=SC2086 # call is the words of a command
    AWS_ACCESS_KEY_ID=AKIACONFORMANCENOBODY fails_with UnrecognizedClientException 254 $AWS $call
    AWS_SECRET_ACCESS_KEY=not-the-secret fails_with InvalidSignatureException 254 $AWS $call
    fails_with MissingAuthenticationTokenException 254 $AWS $call --no-sign-request
    grep -q "Request is missing Authentication Token" "$WORK/err" || die "stderr: $(tr '\n' ' ' <"$WORK/err")"
  done
}

cli_own_open_activity_tasks() {
  # openswf's own operations through the aws CLI, its model loaded from AWS_DATA_PATH (what `aws configure
  # add-model` writes to): the task a worker holds, with its heartbeat's details.
  new_world own
  start_activity 60
  swf record-activity-task-heartbeat --task-token "$TOKEN" --details "step 3 of 7" >/dev/null
  mkdir -p "$WORK/models/openswf/2026-12-01"
  cp "${CONFORMANCE_OWN_MODEL:?run.sh sets it}" "$WORK/models/openswf/2026-12-01/service-2.json"
  export AWS_DATA_PATH="$WORK/models"
  local out
  out=$($AWS openswf list-open-activity-tasks --domain "$DOMAIN" --output json)
  expect "$(jget '"|".join([d["activityTasks"][0][k] for k in ("activityId", "state", "identity", "heartbeatDetails")])' <<<"$out")" \
    "a1|STARTED|cli-worker|step 3 of 7" "activityId|state|identity|heartbeatDetails"
  expect "$(jget '[x["timeoutType"] for x in d["activityTasks"][0]["deadlines"]]' <<<"$out")" '["HEARTBEAT", "START_TO_CLOSE"]' deadlines
  fails_with UnknownResourceFault 254 $AWS openswf list-open-activity-tasks --domain "$(uid cf-cli-nope)"
}

# "name group [auth]": group is - for features the server supports today; auth marks a case that runs only when
# the server has access control (CONFORMANCE_AUTH=1).
CASES=(
  "cli_lifecycle -"
  "cli_heartbeat_details -"
  "cli_heartbeat_cli_input_json -"
  "cli_heartbeat_cancel_requested -"
  "cli_list_domains_autopaginate -"
  "cli_history_autopaginate -"
  "cli_long_poll_activity_empty -"
  "cli_long_poll_decision_empty -"
  "cli_fault_exit_codes -"
  "cli_visibility_autopaginate visibility"
  "cli_tags tags"
  "cli_states_activity_worker -"
  "cli_states_stop_execution -"
  "cli_states_faults -"
  "cli_own_open_activity_tasks -"
  "cli_auth_worker - auth"
  "cli_auth_decision_not_permitted - auth"
  "cli_auth_states_access_denied - auth"
  "cli_auth_signature_faults - auth"
)

# ----------------------------------------------------------------------------------------------------------
# Runner

if [ "$MODE" = case ]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  trap 'echo "line $LINENO: $BASH_COMMAND"' ERR
  set -eE -o pipefail
  "$NAME"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "# $(/usr/bin/aws --version 2>&1), endpoint $URL"
passed=0 failed=0 pending=0 skipped=0
for entry in "${CASES[@]}"; do
  read -r name group needs <<<"$entry"
  [ "$group" = - ] && group=""
  if [ -n "${CONFORMANCE_ONLY:-}" ] && ! [[ $name =~ $CONFORMANCE_ONLY ]]; then
    continue
  fi
  if [ "$needs" = auth ] && [ "${CONFORMANCE_AUTH:-}" != 1 ]; then
    skipped=$((skipped + 1))
    echo "SKIP $name: needs access control (CONFORMANCE_AUTH=1)"
    continue
  fi
  rc=0
  timeout -k 5 "$CASE_LIMIT" bash "$SELF" --case "$name" "$URL" >"$WORK/$name.log" 2>&1 </dev/null || rc=$?
  # The reason is the case's last line; when that is the ERR trap's "line N: command", the line before it (the
  # failed command's stderr, e.g. the CLI's error message) comes first.
  reason=$(grep -v '^[[:space:]]*$' "$WORK/$name.log" | tail -n 2 |
    awk 'NR == 1 { prev = $0 } NR == 2 { if ($0 ~ /^line [0-9]+: /) print prev " <- " $0; else print $0 } END { if (NR == 1) print prev }' |
    tr -s '[:space:]' ' ' | cut -c1-400)
  [ "$rc" = 124 ] && reason="case exceeded ${CASE_LIMIT}s; last output: $reason"
  if [ -n "$group" ] && [[ " ${CONFORMANCE_PENDING:-} " == *" $group "* ]]; then
    pending=$((pending + 1))
    [ "$rc" = 0 ] && reason="passes now; group '$group' can leave CONFORMANCE_PENDING"
    echo "PENDING $name: [$group] $reason"
  elif [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "PASS $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name: ${reason:-exit code $rc}"
  fi
done
echo "# cli suite done: $passed passed, $failed failed, $pending pending, $skipped skipped"
[ "$failed" = 0 ]
