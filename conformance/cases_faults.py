"""Cases for faults: every fault the SWF model lists (but LimitExceededFault, which openswf never answers, and
OperationNotPermittedFault, which cases_auth.py covers under access control) surfaced as boto3's modeled
exception, and ValidationException for constraint violations.
"""

from botocore.exceptions import ClientError

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


# ---------------------------------------------------------------------------------------------------------
# Registration faults

@case()
def fault_unknown_resource():
    w = World("unknown")
    raises("UnknownResourceFault", swf.describe_domain, name=uid("nope"))
    raises("UnknownResourceFault", swf.poll_for_activity_task, domain=uid("nope"), taskList={"name": "x"})
    raises("UnknownResourceFault", swf.describe_workflow_type, domain=w.domain, workflowType={"name": "nope", "version": "1"})
    raises("UnknownResourceFault", swf.describe_activity_type, domain=w.domain, activityType={"name": "nope", "version": "1"})
    raises("UnknownResourceFault", swf.start_workflow_execution, domain=w.domain, workflowId="w", workflowType={"name": "nope", "version": "1"})
    raises("UnknownResourceFault", swf.describe_workflow_execution, domain=w.domain, execution={"workflowId": "w", "runId": "r"})
    raises("UnknownResourceFault", swf.get_workflow_execution_history, domain=w.domain, execution={"workflowId": "w", "runId": "r"})
    raises("UnknownResourceFault", swf.record_activity_task_heartbeat, taskToken="not-a-token")
    raises("UnknownResourceFault", swf.respond_decision_task_completed, taskToken="not-a-token")
    raises("UnknownResourceFault", swf.deprecate_domain, name=uid("nope"))


@case()
def fault_domain_already_exists():
    w = World("dup")
    raises("DomainAlreadyExistsFault", swf.register_domain, name=w.domain, workflowExecutionRetentionPeriodInDays="2")
    raises("DomainAlreadyExistsFault", swf.undeprecate_domain, name=w.domain)


@case()
def fault_domain_deprecated():
    w = World("depr")
    swf.deprecate_domain(name=w.domain)
    eq(swf.describe_domain(name=w.domain)["domainInfo"]["status"], "DEPRECATED", "status")
    listed = swf.get_paginator("list_domains").paginate(registrationStatus="DEPRECATED").build_full_result()["domainInfos"]
    check(w.domain in [d["name"] for d in listed], "deprecated domain missing from ListDomains DEPRECATED")
    raises("DomainDeprecatedFault", swf.deprecate_domain, name=w.domain)
    swf.undeprecate_domain(name=w.domain)
    eq(swf.describe_domain(name=w.domain)["domainInfo"]["status"], "REGISTERED", "status after undeprecate")


@case()
def fault_type_already_exists():
    w = World("typedup")
    raises("TypeAlreadyExistsFault", swf.register_workflow_type, domain=w.domain, name="wf", version="1")
    raises("TypeAlreadyExistsFault", swf.register_activity_type, domain=w.domain, name="act", version="1")
    raises("TypeAlreadyExistsFault", swf.undeprecate_workflow_type, domain=w.domain, workflowType={"name": "wf", "version": "1"})
    raises("TypeAlreadyExistsFault", swf.undeprecate_activity_type, domain=w.domain, activityType={"name": "act", "version": "1"})


@case()
def fault_type_deprecated():
    w = World("typedepr")
    wt = {"name": "wf", "version": "1"}
    swf.deprecate_workflow_type(domain=w.domain, workflowType=wt)
    swf.deprecate_activity_type(domain=w.domain, activityType={"name": "act", "version": "1"})
    raises("TypeDeprecatedFault", swf.deprecate_workflow_type, domain=w.domain, workflowType=wt)
    raises("TypeDeprecatedFault", swf.deprecate_activity_type, domain=w.domain, activityType={"name": "act", "version": "1"})
    raises("TypeDeprecatedFault", swf.start_workflow_execution, domain=w.domain, workflowId="w", workflowType=wt)
    eq(swf.describe_workflow_type(domain=w.domain, workflowType=wt)["typeInfo"]["status"], "DEPRECATED", "type status")
    deprecated = swf.list_workflow_types(domain=w.domain, registrationStatus="DEPRECATED")["typeInfos"]
    eq([t["workflowType"] for t in deprecated], [wt], "deprecated workflow types")
    swf.undeprecate_workflow_type(domain=w.domain, workflowType=wt)
    w.start()


@case()
def fault_type_not_deprecated():
    # DeleteActivityType / DeleteWorkflowType (2023) are newer than Debian's botocore 1.29; load a newer SWF
    # model through botocore's own data-path mechanism (what `aws configure add-model` does).
    c = client_with_model("swf", "2012-01-25", MODEL)
    check(hasattr(c, "delete_activity_type"), "the newer model did not load")
    w = World("typedel")
    at = {"name": "act", "version": "1"}
    wt = {"name": "wf", "version": "1"}
    for fn, kw in ((c.delete_activity_type, {"activityType": at}), (c.delete_workflow_type, {"workflowType": wt})):
        try:
            fn(domain=w.domain, **kw)
            raise Fail("%s of a registered type succeeded" % fn.__name__)
        except c.exceptions.TypeNotDeprecatedFault:
            pass
    c.deprecate_activity_type(domain=w.domain, activityType=at)
    c.delete_activity_type(domain=w.domain, activityType=at)
    raises("UnknownResourceFault", swf.describe_activity_type, domain=w.domain, activityType=at)
    c.deprecate_workflow_type(domain=w.domain, workflowType=wt)
    c.delete_workflow_type(domain=w.domain, workflowType=wt)
    raises("UnknownResourceFault", swf.describe_workflow_type, domain=w.domain, workflowType=wt)


@case()
def fault_workflow_execution_already_started():
    w = World("dupstart")
    ex = w.start()
    raises("WorkflowExecutionAlreadyStartedFault", w.start, wid=ex["workflowId"])
    swf.terminate_workflow_execution(domain=w.domain, workflowId=ex["workflowId"])
    again = w.start(wid=ex["workflowId"])
    check(again["runId"] != ex["runId"], "a new run reused the closed run's runId")
    raises("UnknownResourceFault", swf.signal_workflow_execution, domain=w.domain, workflowId=ex["workflowId"], runId=ex["runId"], signalName="old")
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="current")
    check("WorkflowExecutionSignaled" in types_of(w.history(again)), "a signal by workflowId missed the open run")
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "TERMINATED", "the first run is still readable")


@case()
def fault_default_undefined():
    w = World("nodefault")
    w.register_workflow_type(
        "bare", "1",
        defaultTaskList=None, defaultTaskStartToCloseTimeout=None,
        defaultExecutionStartToCloseTimeout=None, defaultChildPolicy=None,
    )
    raises("DefaultUndefinedFault", w.start, wtype=("bare", "1"))
    w.start(
        wtype=("bare", "1"), taskList={"name": w.dtl}, taskStartToCloseTimeout="10",
        executionStartToCloseTimeout="60", childPolicy="ABANDON",
    )


@case()
def fault_too_many_tags():
    tags = [{"key": "k%d" % i, "value": "v"} for i in range(51)]
    raises("TooManyTagsFault", swf.register_domain, name=uid("cf-tags"), workflowExecutionRetentionPeriodInDays="1", tags=tags)
    swf.register_domain(name=uid("cf-tags"), workflowExecutionRetentionPeriodInDays="1", tags=tags[:50])


# ---------------------------------------------------------------------------------------------------------
# ValidationException: violations botocore does not catch itself (it checks only required members, types and
# `min`), so the request reaches the server.

@case()
def validation_exceptions():
    w = World("valid")
    ex, task = w.schedule_and_start()
    validation(swf.record_activity_task_heartbeat, "details", taskToken=task["taskToken"], details="x" * 2049)
    validation(swf.get_workflow_execution_history, "maximumPageSize", domain=w.domain, execution=ex, maximumPageSize=1001)
    validation(swf.list_domains, "registrationStatus", registrationStatus="GONE")
    validation(swf.register_domain, "name", name="d" * 257, workflowExecutionRetentionPeriodInDays="1")
    validation(swf.register_domain, "name", name="a:b", workflowExecutionRetentionPeriodInDays="1")
    validation(swf.register_domain, "workflowExecutionRetentionPeriodInDays", name=uid("cf-ret"), workflowExecutionRetentionPeriodInDays="91")
    validation(swf.start_workflow_execution, "tagList", domain=w.domain, workflowId=uid("w"), workflowType={"name": "wf", "version": "1"}, tagList=list("abcdef"))
    validation(swf.start_workflow_execution, "childPolicy", domain=w.domain, workflowId=uid("w"), workflowType={"name": "wf", "version": "1"}, childPolicy="KEEP")
    validation(swf.respond_activity_task_failed, "reason", taskToken=task["taskToken"], reason="r" * 257)
    validation(swf.respond_activity_task_completed, "result", taskToken=task["taskToken"], result="r" * 32769)
    # The failed calls above changed nothing: the task is still alive.
    eq(swf.record_activity_task_heartbeat(taskToken=task["taskToken"])["cancelRequested"], False, "heartbeat after rejected calls")


@case()
def validation_in_decisions():
    w = World("dvalid")
    ex = w.start()
    dt = w.poll_decision()
    try:
        swf.respond_decision_task_completed(taskToken=dt["taskToken"], decisions=[{"decisionType": "Teleport"}])
        raise Fail("an unknown decisionType was accepted")
    except ClientError as e:
        eq(e.response["Error"]["Code"], "ValidationException", "error code for decisionType Teleport")
    try:
        swf.respond_decision_task_completed(taskToken=dt["taskToken"], decisions=[decision("StartTimer", timerId="t", startToFireTimeout="123456789")])
        raise Fail("a startToFireTimeout of 9 characters was accepted")
    except ClientError as e:
        eq(e.response["Error"]["Code"], "ValidationException", "error code for a 9-character duration")
    # The decision task is still open after rejected answers.
    w.decide(dt, decision("CompleteWorkflowExecution"))
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "COMPLETED", "closeStatus")
