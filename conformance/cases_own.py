"""openswf's own operations (docs/API.md), through boto3 loading openswf's model as a service of its own: the
model is well-formed for botocore, and what botocore makes of the answers (timestamps as datetimes, faults as
ClientErrors with their codes) is what an operator's Python script sees."""

import datetime
import os

import harness
from harness import World, case, check, client_with_model, eq, raises, uid, user_key

OWN_MODEL = os.environ.get("CONFORMANCE_OWN_MODEL", "")  # run.sh: openswfapi/model/


def own_client(key=None):
    return client_with_model("openswf", "2026-12-01", OWN_MODEL, key=key)


@case()
def own_open_activity_tasks():
    w = World("own")
    ex, task = w.schedule_and_start("a1", heartbeatTimeout="30", scheduleToCloseTimeout="600")
    harness.swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="step 3 of 7")
    c = own_client()
    page = c.list_open_activity_tasks(domain=w.domain)
    eq(len(page["activityTasks"]), 1, "open tasks of the domain")
    t = page["activityTasks"][0]
    eq((t["activityId"], t["state"], t["identity"]), ("a1", "STARTED", "worker"), "the task, its state and worker")
    eq(t["heartbeatDetails"], "step 3 of 7", "the last heartbeat's details")
    eq(t["heartbeatCount"], 1, "heartbeats recorded")
    eq(t["execution"], ex, "the run")
    check(isinstance(t["lastHeartbeatTimestamp"], datetime.datetime), "lastHeartbeatTimestamp is no timestamp: %r" % t)
    check(isinstance(page["currentTimestamp"], datetime.datetime), "currentTimestamp is no timestamp")
    age = (page["currentTimestamp"] - t["lastHeartbeatTimestamp"]).total_seconds()
    check(0 <= age < 10, "heartbeat age %.3f s" % age)
    eq([d["timeoutType"] for d in t["deadlines"]], ["HEARTBEAT", "SCHEDULE_TO_CLOSE", "START_TO_CLOSE"],
       "deadlines, soonest first")
    hb = t["deadlines"][0]
    eq(hb["timeoutSeconds"], 30, "heartbeat timeout")
    check(20_000 < hb["remainingMilliseconds"] <= 30_000, "heartbeat time left: %r" % hb)
    # Narrowed to the run, and to the other state.
    eq(len(c.list_open_activity_tasks(domain=w.domain, execution=ex)["activityTasks"]), 1, "the run's tasks")
    eq(c.list_open_activity_tasks(domain=w.domain, state="SCHEDULED")["activityTasks"], [], "scheduled tasks")
    d = c.describe_activity_task(domain=w.domain, execution=ex, scheduledEventId=t["scheduledEventId"])
    eq(d["activityTask"]["activityId"], "a1", "described task")
    raises("UnknownResourceFault", c.list_open_activity_tasks, domain=uid("cf-nope"))
    raises("UnknownResourceFault", c.describe_activity_task, domain=w.domain, execution=ex, scheduledEventId=9999)


@case(auth=True)
def own_access_control():
    # The admin holds openswf:*; the Step Functions reader holds states:Describe* and states:List* only.
    w = World("own-auth")
    eq(own_client().list_open_activity_tasks(domain=w.domain)["activityTasks"], [], "the admin's list of an idle domain")
    raises("OperationNotPermittedFault", own_client(user_key("states-reader")).list_open_activity_tasks, domain=w.domain)
