"""Cases for access control (group-less; they run only when the server has an access control file, run.sh with
CONFORMANCE_AUTH=1, and are reported as SKIP otherwise). Every other case signs as the file's admin; these sign as
its restricted users (see run.sh) and assert the faults boto3 hands back:

- authpay-worker may only poll, heartbeat and answer activity tasks in the *-authpay-* domains;
- no-timer-decider may do anything in the *-authtimer-* domains but StartTimer (an explicit Deny);
- states-reader may only Describe* and List* in Step Functions;
- keys the server does not know, wrong secrets and unsigned requests.
"""

import re
import time

from botocore import UNSIGNED
from botocore.config import Config

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


def not_authorized(e, user, action, resource):
    """Checks that the fault e carries IAM's message: who, which action, which resource, and why."""
    msg = e.response["Error"]["Message"]
    want = (
        r"User: arn:aws:iam::\d{12}:user/%s is not authorized to perform: %s on resource: %s "
        r"because no identity-based policy allows the %s action"
        % (re.escape(user), re.escape(action), re.escape(resource), re.escape(action))
    )
    check(re.fullmatch(want, msg), "%s message %r, want one matching %r" % (e.response["Error"]["Code"], msg, want))


def domain_arn(domain):
    return swf.describe_domain(name=domain)["domainInfo"]["arn"]


def poll_as(client, world, kind, within=15):
    """Polls world's decision or activity task list with client until a task arrives."""
    deadline = time.monotonic() + within
    while True:
        if kind == "decision":
            t = client.poll_for_decision_task(domain=world.domain, taskList={"name": world.dtl}, identity="auth-decider")
        else:
            t = client.poll_for_activity_task(domain=world.domain, taskList={"name": world.atl}, identity="auth-worker")
        if has_token(t):
            return t
        if time.monotonic() > deadline:
            raise Fail("no %s task in %s within %d s" % (kind, world.domain, within))


@case(auth=True)
def auth_worker_one_domain():
    pay, bill = World("authpay"), World("authbill")
    worker = user_client("authpay-worker")

    # In its own domain it works: it polls the admin's task, heartbeats it and completes it.
    ex = pay.start()
    pay.decide(pay.poll_decision(), schedule("a1"))
    task = poll_as(worker, pay, "activity")
    eq(worker.record_activity_task_heartbeat(taskToken=task["taskToken"], details="half")["cancelRequested"], False,
       "cancelRequested of the worker's heartbeat")
    worker.respond_activity_task_completed(taskToken=task["taskToken"], result="paid")
    eq(find(pay.wait_for(ex, "ActivityTaskCompleted"), "ActivityTaskCompleted").get("result"), "paid", "result")

    # Anywhere else, and any other action, it is refused.
    e = raises("OperationNotPermittedFault", worker.poll_for_activity_task, domain=bill.domain, taskList={"name": bill.atl})
    not_authorized(e, "authpay-worker", "swf:PollForActivityTask", domain_arn(bill.domain))
    e = raises("OperationNotPermittedFault", worker.describe_domain, name=pay.domain)
    not_authorized(e, "authpay-worker", "swf:DescribeDomain", domain_arn(pay.domain))
    raises("OperationNotPermittedFault", worker.describe_domain, name=bill.domain)
    raises("OperationNotPermittedFault", worker.poll_for_decision_task, domain=pay.domain, taskList={"name": pay.dtl})

    # A task of the other domain, whose token the admin obtained: the token names that domain.
    bex, btask = bill.schedule_and_start()
    e = raises("OperationNotPermittedFault", worker.record_activity_task_heartbeat, taskToken=btask["taskToken"])
    not_authorized(e, "authpay-worker", "swf:RecordActivityTaskHeartbeat", domain_arn(bill.domain))
    raises("OperationNotPermittedFault", worker.respond_activity_task_completed, taskToken=btask["taskToken"], result="stolen")
    # The refusals changed nothing: the task is open, and still the admin's to heartbeat.
    eq(swf.record_activity_task_heartbeat(taskToken=btask["taskToken"])["cancelRequested"], False, "admin's heartbeat")
    check("ActivityTaskCompleted" not in types_of(bill.history(bex)), "the refused completion completed the task")


@case(auth=True)
def auth_decision_not_permitted():
    w = World("authtimer")
    decider = user_client("no-timer-decider")
    ex = w.start()
    dt = poll_as(decider, w, "decision")
    # The marker is allowed, the timer denied: the timer's failure is recorded, the call itself succeeds.
    decider.respond_decision_task_completed(
        taskToken=dt["taskToken"],
        decisions=[decision("RecordMarker", markerName="m"), decision("StartTimer", timerId="t1", startToFireTimeout="60")],
    )
    events = w.wait_for(ex, "StartTimerFailed")
    failed = find(events, "StartTimerFailed")
    eq(failed.get("cause"), "OPERATION_NOT_PERMITTED", "StartTimerFailed.cause")
    eq(failed.get("timerId"), "t1", "StartTimerFailed.timerId")
    completed = find_event(events, "DecisionTaskCompleted")["eventId"]
    eq(failed.get("decisionTaskCompletedEventId"), completed, "StartTimerFailed.decisionTaskCompletedEventId")
    check("MarkerRecorded" in types_of(events), "the allowed RecordMarker was not carried out: %s" % types_of(events))
    check("TimerStarted" not in types_of(events), "the denied timer started")
    # SWF asks for a new decision after a failed one; the decider may close the run.
    dt = poll_as(decider, w, "decision")
    decider.respond_decision_task_completed(taskToken=dt["taskToken"], decisions=[decision("CompleteWorkflowExecution")])
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "COMPLETED", "closeStatus")
    # The admin's timers are not denied.
    ex2 = w.start()
    w.decide(w.poll_decision(), decision("StartTimer", timerId="t2", startToFireTimeout="60"))
    check("TimerStarted" in types_of(w.history(ex2)), "the admin's timer did not start")


@case(auth=True)
def auth_states_access_denied():
    reader = user_client("states-reader", service="stepfunctions")
    name = uid("cf-authsfn")
    # Debian's botocore does not model AccessDeniedException for Step Functions: a ClientError with its code.
    e = raises_code("AccessDeniedException", reader.create_activity, name=name)
    arn = "arn:aws:states:us-east-1:%s:activity:%s" % (domain_account(), name)
    not_authorized(e, "states-reader", "states:CreateActivity", arn)
    # What it may do, it does; and the refused activity does not exist.
    listed = reader.get_paginator("list_activities").paginate().build_full_result()["activities"]
    check(name not in [a["name"] for a in listed], "the refused CreateActivity created %s" % name)
    raises("ActivityDoesNotExist", reader.describe_activity, activityArn=arn)


def domain_account():
    """The account in the server's ARNs (--account; the access control file leaves it unset)."""
    w = World("authacct")
    return domain_arn(w.domain).split(":")[4]


@case(auth=True)
def auth_signature_faults():
    for service, call, kwargs in (
        ("swf", "list_domains", {"registrationStatus": "REGISTERED"}),
        ("stepfunctions", "list_activities", {}),
    ):
        unknown = new_client(service=service, key=("AKIACONFORMANCENOBODY", SECRET_ACCESS_KEY))
        e = raises_code("UnrecognizedClientException", getattr(unknown, call), **kwargs)
        eq(e.response["Error"]["Message"], "The security token included in the request is invalid.", "%s message" % service)

        wrong = new_client(service=service, key=(ACCESS_KEY_ID, "not-the-secret"))
        e = raises_code("InvalidSignatureException", getattr(wrong, call), **kwargs)
        check(
            e.response["Error"]["Message"].startswith("The request signature we calculated does not match the signature you provided."),
            "%s InvalidSignatureException message %r" % (service, e.response["Error"]["Message"]),
        )

        unsigned = new_client(service=service, config=CONFIG.merge(Config(signature_version=UNSIGNED)))
        e = raises_code("MissingAuthenticationTokenException", getattr(unsigned, call), **kwargs)
        eq(e.response["Error"]["Message"], "Request is missing Authentication Token", "%s message" % service)
