"""Cases for the decisions issue 3 adds — StartChildWorkflowExecution and child policies ("children"),
ContinueAsNewWorkflowExecution ("continue_as_new"), SignalExternalWorkflowExecution and
RequestCancelExternalWorkflowExecution ("external"), ScheduleLambdaFunction ("lambda") — and the per-execution
limits ("limits"); each group is pending while listed in CONFORMANCE_PENDING.
"""

import time

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


# ---- children -----------------------------------------------------------------------------------------

class Family(World):
    """A parent run on the world's decision list whose children decide on their own list."""

    def __init__(self, tag, **parent_kwargs):
        super().__init__(tag)
        self.ctl = uid("children")
        self.parent = self.start(**parent_kwargs)

    def start_children(self, *specs):
        """specs: (workflowId, extra attrs). Returns the parent's history after the children started."""
        ds = []
        for wid, extra in specs:
            kw = dict(workflowType={"name": "wf", "version": "1"}, workflowId=wid, taskList={"name": self.ctl})
            kw.update(extra)
            ds.append(decision("StartChildWorkflowExecution", **kw))
        self.decide(self.poll_decision(), *ds)
        deadline = time.monotonic() + 10
        while True:
            events = self.history(self.parent)
            if sum(1 for e in events if e["eventType"] in ("ChildWorkflowExecutionStarted", "StartChildWorkflowExecutionFailed")) >= len(specs):
                return events
            check(time.monotonic() < deadline, "children did not start: %s" % types_of(events))
            time.sleep(0.2)

    def child_run(self, events, wid):
        for e in events:
            if e["eventType"] == "ChildWorkflowExecutionStarted" and attrs(e)["workflowExecution"]["workflowId"] == wid:
                return attrs(e)["workflowExecution"]
        raise Fail("no ChildWorkflowExecutionStarted for %s in %s" % (wid, types_of(events)))


@case(group="children")
def child_workflow_completes():
    f = Family("child")
    events = f.start_children(("kid", dict(input="hi", control="ctl-1", tagList=["k"])))
    init = find_event(events, "StartChildWorkflowExecutionInitiated")
    eq(attrs(init)["workflowId"], "kid", "Initiated.workflowId")
    eq(attrs(init).get("control"), "ctl-1", "Initiated.control")
    eq(attrs(init)["taskList"], {"name": f.ctl}, "Initiated.taskList")
    kid = f.child_run(events, "kid")
    eq(find(events, "ChildWorkflowExecutionStarted")["initiatedEventId"], init["eventId"], "ChildWorkflowExecutionStarted.initiatedEventId")
    eq(f.describe(kid)["executionInfo"].get("parent"), f.parent, "child executionInfo.parent")

    dt = f.poll_decision(task_list=f.ctl)
    eq(dt["workflowExecution"], kid, "child decision task execution")
    st = attrs(dt["events"][0])
    eq(st.get("parentWorkflowExecution"), f.parent, "child WorkflowExecutionStarted.parentWorkflowExecution")
    eq(st.get("parentInitiatedEventId"), init["eventId"], "parentInitiatedEventId")
    eq(st.get("input"), "hi", "child input")
    eq(st.get("tagList"), ["k"], "child tagList")
    f.decide(dt, decision("CompleteWorkflowExecution", result="grown up"))

    events = f.wait_for(f.parent, "ChildWorkflowExecutionCompleted", within=10)
    done = find(events, "ChildWorkflowExecutionCompleted")
    eq((done.get("result"), done["workflowExecution"], done["initiatedEventId"]), ("grown up", kid, init["eventId"]), "ChildWorkflowExecutionCompleted")
    eq(done["workflowType"], {"name": "wf", "version": "1"}, "ChildWorkflowExecutionCompleted.workflowType")


@case(group="children")
def child_open_counts():
    f = Family("childcount")
    events = f.start_children(("kid-1", {}), ("kid-2", {}))
    eq(f.describe(f.parent)["openCounts"]["openChildWorkflowExecutions"], 2, "openChildWorkflowExecutions")
    swf.terminate_workflow_execution(domain=f.domain, workflowId="kid-1")
    f.wait_for(f.parent, "ChildWorkflowExecutionTerminated", within=10)
    eq(f.describe(f.parent)["openCounts"]["openChildWorkflowExecutions"], 1, "openChildWorkflowExecutions after one child closed")
    eq(f.describe(f.child_run(events, "kid-2"))["openCounts"]["openChildWorkflowExecutions"], 0, "a child's own openChildWorkflowExecutions")


@case(group="children")
def child_close_events():
    f = Family("childclose")
    events = f.start_children(
        ("fails", {}), ("terminated", {}), ("canceled", {}), ("times-out", dict(executionStartToCloseTimeout="2")),
    )
    runs = {wid: f.child_run(events, wid) for wid in ("fails", "terminated", "canceled", "times-out")}
    swf.terminate_workflow_execution(domain=f.domain, workflowId="terminated", reason="r")
    swf.request_cancel_workflow_execution(domain=f.domain, workflowId="canceled")
    handled = set()
    deadline = time.monotonic() + 10
    while handled != {"fails", "canceled"} and time.monotonic() < deadline:
        t = swf.poll_for_decision_task(domain=f.domain, taskList={"name": f.ctl})
        if not has_token(t):
            continue
        wid = t["workflowExecution"]["workflowId"]
        if wid == "fails":
            f.decide(t, decision("FailWorkflowExecution", reason="bad", details="worse"))
            handled.add(wid)
        elif wid == "canceled" and "WorkflowExecutionCancelRequested" in types_of(t["events"]):
            f.decide(t, decision("CancelWorkflowExecution", details="ok"))
            handled.add(wid)
        else:
            f.decide(t)
    events = f.wait_for(f.parent, "ChildWorkflowExecutionTimedOut", within=10)
    want = {
        "ChildWorkflowExecutionFailed": "fails",
        "ChildWorkflowExecutionTerminated": "terminated",
        "ChildWorkflowExecutionCanceled": "canceled",
        "ChildWorkflowExecutionTimedOut": "times-out",
    }
    for event_type, wid in want.items():
        a = find(events, event_type)
        eq(a["workflowExecution"], runs[wid], "%s.workflowExecution" % event_type)
    eq(find(events, "ChildWorkflowExecutionFailed").get("reason"), "bad", "ChildWorkflowExecutionFailed.reason")
    eq(find(events, "ChildWorkflowExecutionCanceled").get("details"), "ok", "ChildWorkflowExecutionCanceled.details")
    eq(find(events, "ChildWorkflowExecutionTimedOut")["timeoutType"], "START_TO_CLOSE", "ChildWorkflowExecutionTimedOut.timeoutType")


@case(group="children")
def child_start_failures():
    f = Family("childfail")
    busy = f.start(wid="busy")
    events = f.start_children(
        ("kid-a", dict(workflowType={"name": "nope", "version": "1"})),
        ("busy", {}),
    )
    causes = {attrs(e)["workflowId"]: attrs(e)["cause"] for e in events if e["eventType"] == "StartChildWorkflowExecutionFailed"}
    eq(causes, {"kid-a": "WORKFLOW_TYPE_DOES_NOT_EXIST", "busy": "WORKFLOW_ALREADY_RUNNING"}, "StartChildWorkflowExecutionFailed causes")
    eq(f.describe(busy)["executionInfo"].get("parent"), None, "the running execution got a parent")


def child_policy_case(tag, policy, via_timeout=False):
    f = Family(tag, **(dict(executionStartToCloseTimeout="3", childPolicy=policy) if via_timeout else {}))
    events = f.start_children(("kid", {}))
    kid = f.child_run(events, "kid")
    if via_timeout:
        f.wait_for(f.parent, "WorkflowExecutionTimedOut", within=10)
    else:
        swf.terminate_workflow_execution(domain=f.domain, workflowId=f.parent["workflowId"], childPolicy=policy)
    return f, kid


@case(group="children")
def child_policy_terminate():
    f, kid = child_policy_case("cpterm", "TERMINATE")
    events = f.wait_for(kid, "WorkflowExecutionTerminated", within=10)
    eq(find(events, "WorkflowExecutionTerminated").get("cause"), "CHILD_POLICY_APPLIED", "child WorkflowExecutionTerminated.cause")
    eq(f.describe(kid)["executionInfo"].get("closeStatus"), "TERMINATED", "child closeStatus")


@case(group="children")
def child_policy_request_cancel():
    f, kid = child_policy_case("cpcancel", "REQUEST_CANCEL")
    events = f.wait_for(kid, "WorkflowExecutionCancelRequested", within=10)
    eq(find(events, "WorkflowExecutionCancelRequested").get("cause"), "CHILD_POLICY_APPLIED", "child WorkflowExecutionCancelRequested.cause")
    info = f.describe(kid)["executionInfo"]
    eq((info["executionStatus"], info.get("cancelRequested")), ("OPEN", True), "child status")


@case(group="children")
def child_policy_abandon():
    f, kid = child_policy_case("cpabandon", "ABANDON")
    time.sleep(1)
    info = f.describe(kid)["executionInfo"]
    eq((info["executionStatus"], bool(info.get("cancelRequested"))), ("OPEN", False), "abandoned child status")
    check("WorkflowExecutionCancelRequested" not in types_of(f.history(kid)), "abandoned child got a cancel request")


@case(group="children")
def child_policy_on_parent_timeout():
    f, kid = child_policy_case("cptimeout", "TERMINATE", via_timeout=True)
    f.wait_for(kid, "WorkflowExecutionTerminated", within=10)
    eq(f.describe(kid)["executionInfo"].get("closeStatus"), "TERMINATED", "child closeStatus")


# ---- continue as new -----------------------------------------------------------------------------------

@case(group="continue_as_new")
def continue_as_new():
    w = World("can")
    w.register_workflow_type("wf", "2")
    old = w.start(input="gen-1", tagList=["t1"])
    w.decide(w.poll_decision(), decision("ContinueAsNewWorkflowExecution", input="gen-2", workflowTypeVersion="2", tagList=["t2"]))
    events = w.history(old)
    eq(events[-1]["eventType"], "WorkflowExecutionContinuedAsNew", "last event of the old run")
    cont = attrs(events[-1])
    new_run = cont["newExecutionRunId"]
    check(new_run and new_run != old["runId"], "newExecutionRunId %r" % new_run)
    eq((cont.get("input"), cont["workflowType"]), ("gen-2", {"name": "wf", "version": "2"}), "WorkflowExecutionContinuedAsNew")
    eq(w.describe(old)["executionInfo"].get("closeStatus"), "CONTINUED_AS_NEW", "old closeStatus")
    new = {"workflowId": old["workflowId"], "runId": new_run}
    dt = w.poll_decision()
    eq(dt["workflowExecution"], new, "decision task of the new run")
    eq(dt["workflowType"], {"name": "wf", "version": "2"}, "new run's workflow type")
    st = attrs(dt["events"][0])
    eq((st.get("continuedExecutionRunId"), st.get("input"), st.get("tagList")), (old["runId"], "gen-2", ["t2"]), "new run's WorkflowExecutionStarted")
    swf.signal_workflow_execution(domain=w.domain, workflowId=old["workflowId"], signalName="to-current")
    w.decide(dt)
    find(w.history(new), "WorkflowExecutionSignaled", "a signal by workflowId reaches the new run")
    eq(w.describe(new)["executionInfo"]["executionStatus"], "OPEN", "new run status")


@case(group="continue_as_new")
def continue_as_new_failures():
    w = World("canfail")
    ex = w.start()
    w.decide(w.poll_decision(), decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="99"))
    eq(find(w.history(ex), "ContinueAsNewWorkflowExecutionFailed")["cause"], "WORKFLOW_TYPE_DOES_NOT_EXIST", "cause")
    dt = w.poll_decision()
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="late")
    w.decide(dt, decision("ContinueAsNewWorkflowExecution"))
    eq(find(w.history(ex), "ContinueAsNewWorkflowExecutionFailed")["cause"], "UNHANDLED_DECISION", "cause with a new event")
    eq(w.describe(ex)["executionInfo"]["executionStatus"], "OPEN", "status")


# ---- external signals and cancel requests ---------------------------------------------------------------

class Pair(World):
    """Two open runs, each deciding on its own task list: the sender and the target."""

    def __init__(self, tag):
        super().__init__(tag)
        self.stl, self.ttl = uid("sender"), uid("target")
        self.sender = self.start(taskList={"name": self.stl})
        self.target = self.start(taskList={"name": self.ttl})
        self.decide(self.poll_decision(task_list=self.ttl))


@case(group="external")
def signal_external():
    p = Pair("sigext")
    p.decide(
        p.poll_decision(task_list=p.stl),
        decision("SignalExternalWorkflowExecution", workflowId=p.target["workflowId"], runId=p.target["runId"], signalName="ping", input="payload", control="c1"),
    )
    events = p.wait_for(p.sender, "ExternalWorkflowExecutionSignaled", within=10)
    init = find_event(events, "SignalExternalWorkflowExecutionInitiated")
    eq((attrs(init)["signalName"], attrs(init).get("control")), ("ping", "c1"), "Initiated")
    done = find(events, "ExternalWorkflowExecutionSignaled")
    eq((done["workflowExecution"], done["initiatedEventId"]), (p.target, init["eventId"]), "ExternalWorkflowExecutionSignaled")
    dt = p.poll_decision(task_list=p.ttl)
    sig = find(dt["events"], "WorkflowExecutionSignaled")
    eq((sig["signalName"], sig.get("input")), ("ping", "payload"), "target's WorkflowExecutionSignaled")
    eq(sig.get("externalWorkflowExecution"), p.sender, "externalWorkflowExecution")
    eq(sig.get("externalInitiatedEventId"), init["eventId"], "externalInitiatedEventId")


@case(group="external")
def signal_external_unknown():
    p = Pair("sigextx")
    p.decide(p.poll_decision(task_list=p.stl), decision("SignalExternalWorkflowExecution", workflowId="nobody", signalName="ping"))
    events = p.wait_for(p.sender, "SignalExternalWorkflowExecutionFailed", within=10)
    f = find(events, "SignalExternalWorkflowExecutionFailed")
    eq((f["workflowId"], f["cause"]), ("nobody", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"), "SignalExternalWorkflowExecutionFailed")
    eq(f["initiatedEventId"], find_event(events, "SignalExternalWorkflowExecutionInitiated")["eventId"], "initiatedEventId")


@case(group="external")
def request_cancel_external():
    p = Pair("cxext")
    p.decide(p.poll_decision(task_list=p.stl), decision("RequestCancelExternalWorkflowExecution", workflowId=p.target["workflowId"], control="c2"))
    events = p.wait_for(p.sender, "ExternalWorkflowExecutionCancelRequested", within=10)
    init = find_event(events, "RequestCancelExternalWorkflowExecutionInitiated")
    eq(attrs(init).get("control"), "c2", "Initiated.control")
    eq(find(events, "ExternalWorkflowExecutionCancelRequested")["workflowExecution"], p.target, "ExternalWorkflowExecutionCancelRequested.workflowExecution")
    dt = p.poll_decision(task_list=p.ttl)
    req = find(dt["events"], "WorkflowExecutionCancelRequested")
    eq((req.get("externalWorkflowExecution"), req.get("externalInitiatedEventId")), (p.sender, init["eventId"]), "target's WorkflowExecutionCancelRequested")
    check(p.describe(p.target)["executionInfo"].get("cancelRequested") is True, "target cancelRequested")


@case(group="external")
def request_cancel_external_unknown():
    p = Pair("cxextx")
    p.decide(p.poll_decision(task_list=p.stl), decision("RequestCancelExternalWorkflowExecution", workflowId="nobody"))
    f = find(p.wait_for(p.sender, "RequestCancelExternalWorkflowExecutionFailed", within=10), "RequestCancelExternalWorkflowExecutionFailed")
    eq((f["workflowId"], f["cause"]), ("nobody", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"), "RequestCancelExternalWorkflowExecutionFailed")


# ---- limits ---------------------------------------------------------------------------------------------------

@case(group="limits")
def limits_open_activities_and_timers():
    w = World("limits")
    ex = w.start()
    acts = [schedule("a%d" % i) for i in range(1001)]
    timers = [decision("StartTimer", timerId="t%d" % i, startToFireTimeout="3600") for i in range(1001)]
    w.decide(w.poll_decision(), *(acts + timers))
    events = w.history(ex)
    sf = [attrs(e) for e in events if e["eventType"] == "ScheduleActivityTaskFailed"]
    eq([(a["activityId"], a["cause"]) for a in sf], [("a1000", "OPEN_ACTIVITIES_LIMIT_EXCEEDED")], "ScheduleActivityTaskFailed")
    tf = [attrs(e) for e in events if e["eventType"] == "StartTimerFailed"]
    eq([(a["timerId"], a["cause"]) for a in tf], [("t1000", "OPEN_TIMERS_LIMIT_EXCEEDED")], "StartTimerFailed")
    counts = w.describe(ex)["openCounts"]
    eq((counts["openActivityTasks"], counts["openTimers"]), (1000, 1000), "openCounts")


# ---- lambda -------------------------------------------------------------------------------------------------

@case(group="lambda")
def schedule_lambda_failed():
    w = World("lambda")
    ex = w.start()
    w.decide(w.poll_decision(), decision("ScheduleLambdaFunction", id="l1", name="resize", input="{}", startToCloseTimeout="60"))
    events = w.history(ex)
    f = find(events, "ScheduleLambdaFunctionFailed")
    eq((f["id"], f["name"], f["cause"]), ("l1", "resize", "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"), "ScheduleLambdaFunctionFailed")
    check("LambdaFunctionScheduled" not in types_of(events), "a lambda function was scheduled")
    eq(w.describe(ex)["openCounts"].get("openLambdaFunctions", 0), 0, "openLambdaFunctions")
    dt = w.poll_decision()
    check("ScheduleLambdaFunctionFailed" in types_of(dt["events"]), "the decider is not told of the failure")
    w.decide(dt, decision("CompleteWorkflowExecution"))
