"""Cases for Step Functions (the `stepfunctions` client, shared as `states`): activities and their faults, an
activity worker driving a state machine's Task (heartbeat, success, failure, heartbeat timeout), StopExecution,
and the task-token faults. Every name is fresh (uid), so the cases share the server's one Step Functions
namespace without seeing each other.

What AWS answers is taken from /work/shared/reference/stepfunctions-asl.md (§0 and §3, recorded histories and
fault messages) and the Step Functions API reference.
"""

import json
import time

from harness import *  # noqa: F401,F403 — the clients, @case, assertions and helpers every case module shares

ROLE = "arn:aws:iam::000000000000:role/openswf-conformance"


def machine(activity_arn, **task):
    """A definition whose only state is a Task on the activity; task adds to (or overrides) the Task's fields."""
    work = {"Type": "Task", "Resource": activity_arn, "End": True}
    work.update(task)
    states_ = {"Work": work}
    for catch in work.get("Catch", []):  # each catcher's target: a Pass that ends the execution
        states_[catch["Next"]] = {"Type": "Pass", "End": True}
    return json.dumps({"StartAt": "Work", "States": states_})


class Flow:
    """A fresh activity and a state machine whose Task runs on it (task: the Task's extra fields)."""

    def __init__(self, tag, **task):
        self.activity = states.create_activity(name=uid("cf-" + tag))["activityArn"]
        self.machine = states.create_state_machine(
            name=uid("cf-" + tag), definition=machine(self.activity, **task), roleArn=ROLE
        )["stateMachineArn"]

    def start(self, input_="{}", name=None):
        return states.start_execution(stateMachineArn=self.machine, name=name or uid("run"), input=input_)["executionArn"]

    def task(self, worker="worker", within=15):
        """Long-polls GetActivityTask until the activity's next task arrives."""
        deadline = time.monotonic() + within
        while True:
            t = states.get_activity_task(activityArn=self.activity, workerName=worker)
            if t.get("taskToken"):
                return t
            if time.monotonic() > deadline:
                raise Fail("no task for %s within %d s" % (self.activity, within))


def wait_status(arn, status, within=15):
    """Polls DescribeExecution until the execution has status; returns the description."""
    deadline = time.monotonic() + within
    while True:
        d = states.describe_execution(executionArn=arn)
        if d["status"] == status:
            return d
        if time.monotonic() > deadline:
            raise Fail("execution status %s after %d s, want %s" % (d["status"], within, status))
        time.sleep(0.2)


def history(arn):
    """The execution's whole history, read in pages of 3 through botocore's paginator."""
    pages = states.get_paginator("get_execution_history").paginate(
        executionArn=arn, PaginationConfig={"PageSize": 3}
    )
    return [e for page in pages for e in page["events"]]


def details(event):
    """The event's details member (e.g. activityScheduledEventDetails; every *StateEntered and *StateExited
    shares stateEnteredEventDetails and stateExitedEventDetails); {} when it has none."""
    kind = event["type"]
    for suffix in ("StateEntered", "StateExited"):
        if kind.endswith(suffix):
            return event.get("state%sEventDetails" % suffix[5:], {})
    return event.get(lower_first(kind) + "EventDetails", {})


def sequence(events):
    return [(e["id"], e["previousEventId"], e["type"]) for e in events]


def event_of(events, kind):
    hits = [e for e in events if e["type"] == kind]
    check(hits, "no %s event in %s" % (kind, [e["type"] for e in events]))
    return hits[-1]


def message_of(e):
    return e.response["Error"].get("Message") or ""


# ---------------------------------------------------------------------------------------------------------
# Activities

@case()
def states_activities():
    name = uid("cf-act")
    first = states.create_activity(name=name, tags=[{"key": "team", "value": "core"}])
    arn = first["activityArn"]
    eq(arn, "arn:aws:states:us-east-1:000000000000:activity:" + name, "activityArn")
    again = states.create_activity(name=name)  # idempotent on the name
    eq((again["activityArn"], again["creationDate"]), (arn, first["creationDate"]), "second CreateActivity")
    d = states.describe_activity(activityArn=arn)
    eq((d["activityArn"], d["name"], d["creationDate"]), (arn, name, first["creationDate"]), "DescribeActivity")

    others = [states.create_activity(name="%s-%d" % (name, i))["activityArn"] for i in (1, 2, 3)]
    listed = [
        a["activityArn"]
        for page in states.get_paginator("list_activities").paginate(PaginationConfig={"PageSize": 2})
        for a in page["activities"]
    ]
    eq([a for a in listed if a.split(":activity:")[1].startswith(name)], [arn] + others, "listed activities (by name)")
    eq(len(listed), len(set(listed)), "activities listed twice")

    for _ in range(2):  # deleting a deleted activity succeeds, as on AWS
        states.delete_activity(activityArn=arn)
    e = raises("ActivityDoesNotExist", states.describe_activity, activityArn=arn)
    eq(message_of(e), "Activity Does Not Exist: '%s'" % arn, "ActivityDoesNotExist message")
    e = raises("ActivityDoesNotExist", states.get_activity_task, activityArn=arn)
    check(arn in message_of(e), "GetActivityTask's ActivityDoesNotExist does not name %s: %r" % (arn, message_of(e)))
    listed = [a["activityArn"] for a in states.get_paginator("list_activities").paginate().build_full_result()["activities"]]
    check(arn not in listed and others[0] in listed, "ListActivities after DeleteActivity")


@case()
def states_activity_faults():
    e = raises("InvalidName", states.create_activity, name="bad name")
    eq(message_of(e), "Invalid Name: 'bad name'", "InvalidName message")
    # Too long is the model's constraint, which AWS checks first: ValidationException (botocore does not check max).
    validation(states.create_activity, "name", name="a" * 81)
    raises("InvalidName", states.create_activity, name="no/slash")
    e = raises("InvalidArn", states.describe_activity, activityArn="resize")
    eq(message_of(e), "Invalid Arn: 'Invalid ARN prefix: resize'", "InvalidArn message")
    e = raises("InvalidArn", states.describe_activity, activityArn="arn:aws:states:us-east-1:000000000000:stateMachine:x")
    check("Resource type not valid in this context: stateMachine" in message_of(e), "InvalidArn message %r" % message_of(e))
    raises("InvalidArn", states.get_activity_task, activityArn="resize")
    raises("InvalidArn", states.delete_activity, activityArn="resize")
    # An ARN of another region names nothing here.
    raises("ActivityDoesNotExist", states.describe_activity, activityArn="arn:aws:states:eu-west-1:000000000000:activity:x")
    # No task within the poll hold: no token, as AWS answers.
    arn = states.create_activity(name=uid("cf-idle"))["activityArn"]
    check(not states.get_activity_task(activityArn=arn, workerName="w").get("taskToken"), "token from an idle activity")


# ---------------------------------------------------------------------------------------------------------
# An activity worker driving an execution

@case()
def states_activity_worker():
    f = Flow("worker", HeartbeatSeconds=10, TimeoutSeconds=60, ResultPath="$.result")
    arn = f.start('{"n": 1}')
    d = states.describe_execution(executionArn=arn)
    eq((d["status"], d["stateMachineArn"], d["input"]), ("RUNNING", f.machine, '{"n": 1}'), "new execution")

    t = f.task("worker-1")
    eq(json.loads(t["input"]), {"n": 1}, "task input")
    eq(states.send_task_heartbeat(taskToken=t["taskToken"])["ResponseMetadata"]["HTTPStatusCode"], 200, "heartbeat status")
    states.send_task_success(taskToken=t["taskToken"], output='{"ok": true}')

    d = wait_status(arn, "SUCCEEDED")
    eq(json.loads(d["output"]), {"n": 1, "result": {"ok": True}}, "execution output")
    check(d["stopDate"] >= d["startDate"], "stopDate %s before startDate %s" % (d["stopDate"], d["startDate"]))

    events = history(arn)
    eq(
        sequence(events),
        [
            (1, 0, "ExecutionStarted"),
            (2, 0, "TaskStateEntered"),
            (3, 2, "ActivityScheduled"),
            (4, 3, "ActivityStarted"),
            (5, 4, "ActivitySucceeded"),
            (6, 5, "TaskStateExited"),
            (7, 6, "ExecutionSucceeded"),
        ],
        "history (id, previousEventId, type)",
    )
    eq(details(events[0])["roleArn"], ROLE, "ExecutionStarted.roleArn")
    eq(details(events[1])["name"], "Work", "TaskStateEntered.name")
    sched = details(events[2])
    eq(
        (sched["resource"], sched.get("heartbeatInSeconds"), sched.get("timeoutInSeconds")),
        (f.activity, 10, 60),
        "ActivityScheduled resource, heartbeatInSeconds, timeoutInSeconds",
    )
    eq(details(events[3]).get("workerName"), "worker-1", "ActivityStarted.workerName")
    eq(json.loads(details(events[4])["output"]), {"ok": True}, "ActivitySucceeded.output")
    eq(json.loads(details(events[6])["output"]), {"n": 1, "result": {"ok": True}}, "ExecutionSucceeded.output")
    newest = states.get_execution_history(executionArn=arn, reverseOrder=True, maxResults=1)["events"]
    eq(sequence(newest), [(7, 6, "ExecutionSucceeded")], "newest event (reverseOrder)")

    # The token of a closed task: TaskTimedOut, as AWS answers a late worker.
    raises("TaskTimedOut", states.send_task_heartbeat, taskToken=t["taskToken"])
    raises("TaskTimedOut", states.send_task_success, taskToken=t["taskToken"], output="{}")


@case()
def states_task_failure_caught():
    f = Flow(
        "fail",
        HeartbeatSeconds=10,
        TimeoutSeconds=60,
        Catch=[{"ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "Caught"}],
    )
    arn = f.start('{"n": 2}')
    t = f.task()
    states.send_task_failure(taskToken=t["taskToken"], error="Boom", cause="the worker gave up")
    d = wait_status(arn, "SUCCEEDED")
    eq(json.loads(d["output"]), {"n": 2, "error": {"Error": "Boom", "Cause": "the worker gave up"}}, "output after the Catch")
    events = history(arn)
    failed = details(event_of(events, "ActivityFailed"))
    eq((failed.get("error"), failed.get("cause")), ("Boom", "the worker gave up"), "ActivityFailed error, cause")
    eq(details(event_of(events, "PassStateEntered"))["name"], "Caught", "the catcher's state")
    eq(events[-1]["type"], "ExecutionSucceeded", "last event")
    eq([e["id"] for e in events], list(range(1, len(events) + 1)), "event ids")
    raises("TaskTimedOut", states.send_task_failure, taskToken=t["taskToken"], error="again")


@case()
def states_task_failure_uncaught():
    f = Flow("failed", TimeoutSeconds=60)
    arn = f.start()
    t = f.task()
    states.send_task_failure(taskToken=t["taskToken"], error="Programmatic Error", cause="bad input")
    d = wait_status(arn, "FAILED")
    eq((d.get("error"), d.get("cause")), ("Programmatic Error", "bad input"), "FAILED execution error, cause")
    events = history(arn)
    eq([e["type"] for e in events][-2:], ["ActivityFailed", "ExecutionFailed"], "last events")
    eq(details(events[-1]), {"error": "Programmatic Error", "cause": "bad input"}, "ExecutionFailed details")


@case()
def states_heartbeat_timeout_caught():
    # HeartbeatSeconds 1 and a worker that stays silent after taking the task: the heartbeat timeout is caught by
    # States.HeartbeatTimeout; the error AWS records (and hands the catcher) is States.Timeout.
    f = Flow(
        "hb",
        HeartbeatSeconds=1,
        TimeoutSeconds=30,
        Catch=[{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.error", "Next": "Caught"}],
    )
    arn = f.start('{"n": 3}')
    t = f.task("quiet-worker")
    d = wait_status(arn, "SUCCEEDED", within=15)
    out = json.loads(d["output"])
    eq(out.get("error", {}).get("Error"), "States.Timeout", "caught error")
    events = history(arn)
    eq(details(event_of(events, "ActivityTimedOut")).get("error"), "States.Timeout", "ActivityTimedOut.error")
    check("cause" not in details(event_of(events, "ActivityTimedOut")), "ActivityTimedOut has a cause")
    eq(details(event_of(events, "PassStateEntered"))["name"], "Caught", "the catcher's state")
    raises("TaskTimedOut", states.send_task_heartbeat, taskToken=t["taskToken"])


@case()
def states_stop_execution():
    f = Flow("stop", HeartbeatSeconds=30, TimeoutSeconds=60)
    arn = f.start()
    t = f.task()
    stopped = states.stop_execution(executionArn=arn, error="Stopped", cause="by the conformance run")
    check(stopped.get("stopDate"), "StopExecution without stopDate")
    d = states.describe_execution(executionArn=arn)
    eq((d["status"], d.get("error"), d.get("cause")), ("ABORTED", "Stopped", "by the conformance run"), "stopped execution")
    events = history(arn)
    last = events[-1]
    eq(last["type"], "ExecutionAborted", "last event")
    eq(details(last), {"error": "Stopped", "cause": "by the conformance run"}, "ExecutionAborted details")
    listed = states.list_executions(stateMachineArn=f.machine, statusFilter="ABORTED")["executions"]
    eq([e["executionArn"] for e in listed], [arn], "ABORTED executions")
    raises("TaskTimedOut", states.send_task_success, taskToken=t["taskToken"], output="{}")


# ---------------------------------------------------------------------------------------------------------
# Task tokens

@case()
def states_task_token_faults():
    for fn, kw in (
        (states.send_task_heartbeat, {}),
        (states.send_task_success, {"output": "{}"}),
        (states.send_task_failure, {"error": "E"}),
    ):
        e = raises("InvalidToken", fn, taskToken="forged-token", **kw)
        check(message_of(e).startswith("Invalid Token"), "%s InvalidToken message %r" % (fn.__name__, message_of(e)))
    f = Flow("tokens", TimeoutSeconds=60)
    f.start()
    t = f.task()
    raises("InvalidOutput", states.send_task_success, taskToken=t["taskToken"], output="not json")
    # An altered token is as invalid as a forged one.
    altered = t["taskToken"][:-2] + ("AA" if not t["taskToken"].endswith("AA") else "BB")
    raises("InvalidToken", states.send_task_heartbeat, taskToken=altered)
    states.send_task_success(taskToken=t["taskToken"], output="{}")
    raises("TaskTimedOut", states.send_task_heartbeat, taskToken=t["taskToken"])


# ---------------------------------------------------------------------------------------------------------
# Operations newer than Debian's botocore 1.29

@case()
def states_validate_definition():
    # ValidateStateMachineDefinition (2024) is newer than Debian's botocore: load openswf's copy of the newer model.
    c = client_with_model("stepfunctions", "2016-11-23", SFN_MODEL)
    check(hasattr(c, "validate_state_machine_definition"), "the newer model did not load")
    ok = c.validate_state_machine_definition(
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}), type="STANDARD"
    )
    eq((ok["result"], ok["diagnostics"]), ("OK", []), "a valid definition")
    bad = c.validate_state_machine_definition(
        definition=json.dumps({"StartAt": "Nowhere", "States": {"Done": {"Type": "Succeed"}}})
    )
    eq(bad["result"], "FAIL", "result for a StartAt naming no state")
    check(bad["diagnostics"], "FAIL without diagnostics")
    for d in bad["diagnostics"]:
        eq(d["severity"], "ERROR", "diagnostic severity")
        check(d.get("code") and d.get("message"), "diagnostic without code or message: %r" % d)
    # The definition CreateStateMachine refuses is the one validation fails.
    raises("InvalidDefinition", states.create_state_machine, name=uid("cf-bad"), roleArn=ROLE,
           definition=json.dumps({"StartAt": "Nowhere", "States": {"Done": {"Type": "Succeed"}}}))
