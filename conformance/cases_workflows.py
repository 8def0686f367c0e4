"""Cases for the core of SWF as openswf supports it today: the lifecycle of a workflow execution, activity
tasks (heartbeats, timeouts, cancellation), timers, signals, cancel and terminate requests, decision failures,
task lists and priorities.
"""

import datetime
import time

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


# ---------------------------------------------------------------------------------------------------------
# The core lifecycle

@case()
def lifecycle_full():
    w = World("life")
    dom = swf.describe_domain(name=w.domain)
    eq(dom["domainInfo"]["status"], "REGISTERED", "domain status")
    check(dom["domainInfo"].get("arn", "").startswith("arn:aws:swf:"), "domainInfo.arn %r" % dom["domainInfo"].get("arn"))
    eq(dom["configuration"]["workflowExecutionRetentionPeriodInDays"], "1", "retention")
    wt = swf.describe_workflow_type(domain=w.domain, workflowType={"name": "wf", "version": "1"})
    eq(wt["configuration"]["defaultTaskList"], {"name": w.dtl}, "workflow type default task list")
    at = swf.describe_activity_type(domain=w.domain, activityType={"name": "act", "version": "1"})
    eq(at["configuration"]["defaultTaskHeartbeatTimeout"], "NONE", "activity type heartbeat default")

    before = time.time()
    ex = w.start(input="order-42", tagList=["blue", "green"])
    eq(swf.count_pending_decision_tasks(domain=w.domain, taskList={"name": w.dtl})["count"], 1, "pending decision tasks")

    dt = w.poll_decision()
    eq(dt["workflowExecution"], ex, "decision task execution")
    eq(dt["workflowType"], {"name": "wf", "version": "1"}, "decision task workflow type")
    eq(types_of(dt["events"]), ["WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"], "first decision task events")
    eq(dt["startedEventId"], 3, "startedEventId")
    started = attrs(dt["events"][0])
    eq(started["input"], "order-42", "WorkflowExecutionStarted.input")
    eq(started["tagList"], ["blue", "green"], "WorkflowExecutionStarted.tagList")
    eq(started["childPolicy"], "TERMINATE", "WorkflowExecutionStarted.childPolicy")
    eq((started["taskList"], started.get("executionStartToCloseTimeout"), started.get("taskStartToCloseTimeout")),
       ({"name": w.dtl}, "600", "30"), "WorkflowExecutionStarted settings from the type's defaults")
    eq((attrs(dt["events"][1])["taskList"], attrs(dt["events"][1]).get("startToCloseTimeout")), ({"name": w.dtl}, "30"), "DecisionTaskScheduled")
    # Timestamps are epoch seconds on the wire: botocore must decode them to now, not to 1970 or the year 50000.
    stamp = epoch(dt["events"][0]["eventTimestamp"])
    check(before - 60 <= stamp <= time.time() + 60, "eventTimestamp %r is not now" % dt["events"][0]["eventTimestamp"])
    check(dt["ResponseMetadata"].get("RequestId"), "no request id (x-amzn-RequestId) in the response")
    eq(attrs(dt["events"][2])["identity"], "decider", "DecisionTaskStarted.identity")

    w.decide(dt, schedule("charge-1", input="card", heartbeatTimeout="30"), executionContext="ctx-1")
    raises("UnknownResourceFault", swf.respond_decision_task_completed, taskToken=dt["taskToken"])  # answered once
    eq(w.describe(ex).get("latestExecutionContext"), "ctx-1", "latestExecutionContext")
    eq(swf.count_pending_activity_tasks(domain=w.domain, taskList={"name": w.atl})["count"], 1, "pending activity tasks")

    task = w.poll_activity()
    eq(task["activityId"], "charge-1", "activityId")
    eq(task["input"], "card", "activity input")
    eq(task["workflowExecution"], ex, "activity task execution")
    eq(task["activityType"], {"name": "act", "version": "1"}, "activity type")
    eq(task["startedEventId"], 6, "activity startedEventId")
    eq(w.describe(ex)["openCounts"]["openActivityTasks"], 1, "openActivityTasks while running")

    for d in ("10%", "50%", "90%"):
        eq(swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details=d)["cancelRequested"], False, "cancelRequested")
    swf.respond_activity_task_completed(taskToken=task["taskToken"], result="charged")
    raises("UnknownResourceFault", swf.respond_activity_task_completed, taskToken=task["taskToken"], result="twice")
    eq(swf.count_pending_activity_tasks(domain=w.domain, taskList={"name": w.atl})["count"], 0, "pending activity tasks after")

    dt = w.poll_decision()
    eq(dt["previousStartedEventId"], 3, "previousStartedEventId")
    done = find(dt["events"], "ActivityTaskCompleted")
    eq(done["result"], "charged", "ActivityTaskCompleted.result")
    eq((done["scheduledEventId"], done["startedEventId"]), (5, 6), "ActivityTaskCompleted ids")
    w.decide(dt, decision("CompleteWorkflowExecution", result="all done"))

    d = w.describe(ex)
    info = d["executionInfo"]
    eq((info["executionStatus"], info.get("closeStatus")), ("CLOSED", "COMPLETED"), "execution status")
    eq(info["tagList"], ["blue", "green"], "executionInfo.tagList")
    check("closeTimestamp" in info, "closed execution without closeTimestamp")
    eq(d["executionConfiguration"]["taskList"], {"name": w.dtl}, "executionConfiguration.taskList")
    eq(d["executionConfiguration"]["childPolicy"], "TERMINATE", "executionConfiguration.childPolicy")
    eq((d["executionConfiguration"]["taskStartToCloseTimeout"], d["executionConfiguration"]["executionStartToCloseTimeout"]),
       ("30", "600"), "executionConfiguration timeouts")
    eq(d["openCounts"]["openActivityTasks"], 0, "openActivityTasks")
    eq(d["openCounts"]["openDecisionTasks"], 0, "openDecisionTasks")
    eq(d["openCounts"]["openTimers"], 0, "openTimers")
    check("latestActivityTaskTimestamp" in d, "no latestActivityTaskTimestamp")

    events = w.history(ex)
    eq(
        types_of(events),
        [
            "WorkflowExecutionStarted",
            "DecisionTaskScheduled",
            "DecisionTaskStarted",
            "DecisionTaskCompleted",
            "ActivityTaskScheduled",
            "ActivityTaskStarted",
            "ActivityTaskCompleted",
            "DecisionTaskScheduled",
            "DecisionTaskStarted",
            "DecisionTaskCompleted",
            "WorkflowExecutionCompleted",
        ],
        "history",
    )
    eq([e["eventId"] for e in events], list(range(1, 12)), "eventIds")
    check(all(isinstance(e["eventTimestamp"], datetime.datetime) for e in events), "eventTimestamp not parsed as a timestamp")
    sched = attrs(events[4])
    eq(sched["heartbeatTimeout"], "30", "ActivityTaskScheduled.heartbeatTimeout")
    eq(sched["taskList"], {"name": w.atl}, "ActivityTaskScheduled.taskList")
    eq(sched["decisionTaskCompletedEventId"], 4, "ActivityTaskScheduled.decisionTaskCompletedEventId")
    eq((sched.get("scheduleToStartTimeout"), sched.get("scheduleToCloseTimeout"), sched.get("startToCloseTimeout")),
       ("NONE", "NONE", "600"), "ActivityTaskScheduled timeouts from the type's defaults")
    eq(attrs(events[3])["executionContext"], "ctx-1", "DecisionTaskCompleted.executionContext")
    eq(attrs(events[5])["identity"], "worker", "ActivityTaskStarted.identity")
    eq(attrs(events[10])["result"], "all done", "WorkflowExecutionCompleted.result")

    # Once closed, the tokens are dead.
    raises("UnknownResourceFault", swf.record_activity_task_heartbeat, taskToken=task["taskToken"])
    raises("UnknownResourceFault", swf.respond_decision_task_completed, taskToken=dt["taskToken"])


@case()
def activity_failed_and_workflow_failed():
    w = World("fail")
    ex, task = w.schedule_and_start()
    swf.respond_activity_task_failed(taskToken=task["taskToken"], reason="card declined", details="code 51")
    dt = w.poll_decision()
    f = find(dt["events"], "ActivityTaskFailed")
    eq((f["reason"], f["details"]), ("card declined", "code 51"), "ActivityTaskFailed reason/details")
    w.decide(dt, decision("RecordMarker", markerName="m1", details="md"), decision("FailWorkflowExecution", reason="gave up", details="d"))
    events = w.history(ex)
    m = find(events, "MarkerRecorded")
    eq((m["markerName"], m["details"]), ("m1", "md"), "MarkerRecorded")
    f = find(events, "WorkflowExecutionFailed")
    eq((f["reason"], f["details"]), ("gave up", "d"), "WorkflowExecutionFailed")
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "FAILED", "closeStatus")


# ---------------------------------------------------------------------------------------------------------
# Activity timeouts and cancellation

@case()
def heartbeat_timeout_carries_last_details():
    w = World("hbto")
    ex, task = w.schedule_and_start(heartbeatTimeout="1", startToCloseTimeout="60")
    for d in ("step 1", "step 2"):
        eq(swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details=d)["cancelRequested"], False, "cancelRequested")
    events = w.wait_for(ex, "ActivityTaskTimedOut", within=10)
    to = find(events, "ActivityTaskTimedOut")
    eq(to["timeoutType"], "HEARTBEAT", "timeoutType")
    eq(to.get("details"), "step 2", "ActivityTaskTimedOut.details (the last heartbeat's)")
    eq((to["scheduledEventId"], to["startedEventId"]), (5, 6), "ActivityTaskTimedOut ids")
    e = raises("UnknownResourceFault", swf.record_activity_task_heartbeat, taskToken=task["taskToken"], details="late")
    check(isinstance(e, swf.exceptions.UnknownResourceFault), "not the modeled exception class")
    raises("UnknownResourceFault", swf.respond_activity_task_completed, taskToken=task["taskToken"], result="late")
    dt = w.poll_decision()
    check("ActivityTaskTimedOut" in types_of(dt["events"]), "the decider is not told of the timeout")


@case()
def start_to_close_timeout_despite_heartbeats():
    w = World("s2c")
    ex, task = w.schedule_and_start(heartbeatTimeout="10", startToCloseTimeout="2")
    begin = time.monotonic()
    last = None
    for i in range(60):
        try:
            swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="tick %d" % i)
            last = "tick %d" % i
        except swf.exceptions.UnknownResourceFault:
            break
        time.sleep(0.25)
    else:
        raise Fail("heartbeats kept the task alive for 15 s past a 2 s start-to-close timeout")
    check(time.monotonic() - begin >= 1.5, "task timed out before its start-to-close timeout")
    to = find(w.wait_for(ex, "ActivityTaskTimedOut", within=5), "ActivityTaskTimedOut")
    eq(to["timeoutType"], "START_TO_CLOSE", "timeoutType")
    eq(to.get("details"), last, "ActivityTaskTimedOut.details")


@case()
def cancel_activity_not_yet_started():
    w = World("cxsched")
    ex = w.start()
    w.decide(w.poll_decision(), schedule("a1"))
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="never mind")
    w.decide(w.poll_decision(), decision("RequestCancelActivityTask", activityId="a1"))
    events = w.history(ex)
    c = find(events, "ActivityTaskCanceled")
    eq(c["scheduledEventId"], find_event(events, "ActivityTaskScheduled")["eventId"], "ActivityTaskCanceled.scheduledEventId")
    eq(w.describe(ex)["openCounts"]["openActivityTasks"], 0, "openActivityTasks")
    check(not has_token(swf.poll_for_activity_task(domain=w.domain, taskList={"name": w.atl})), "a canceled task was handed out")


@case()
def schedule_to_start_timeout():
    w = World("s2s")
    ex = w.start()
    w.decide(w.poll_decision(), schedule("a1", scheduleToStartTimeout="1"))
    to = find(w.wait_for(ex, "ActivityTaskTimedOut", within=10), "ActivityTaskTimedOut")
    eq(to["timeoutType"], "SCHEDULE_TO_START", "timeoutType")


@case()
def cancellation_through_heartbeat():
    w = World("cancel")
    ex, task = w.schedule_and_start()
    eq(swf.record_activity_task_heartbeat(taskToken=task["taskToken"])["cancelRequested"], False, "cancelRequested before")
    # Wake the decider up with a signal; it asks for the activity's cancellation.
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="stop")
    w.decide(w.poll_decision(), decision("RequestCancelActivityTask", activityId="a1"))
    eq(swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="stopping")["cancelRequested"], True, "cancelRequested after")
    swf.respond_activity_task_canceled(taskToken=task["taskToken"], details="cleaned up")
    events = w.history(ex)
    req = find_event(events, "ActivityTaskCancelRequested")
    eq(attrs(req)["activityId"], "a1", "ActivityTaskCancelRequested.activityId")
    c = find(events, "ActivityTaskCanceled")
    eq(c.get("details"), "cleaned up", "ActivityTaskCanceled.details")
    eq(c.get("latestCancelRequestedEventId"), req["eventId"], "latestCancelRequestedEventId")
    raises("UnknownResourceFault", swf.record_activity_task_heartbeat, taskToken=task["taskToken"])
    check("ActivityTaskCanceled" in types_of(w.poll_decision()["events"]), "decider not told of the cancellation")


# ---------------------------------------------------------------------------------------------------------
# Timers, signals, cancel, terminate, timeouts

@case()
def timer_fires():
    w = World("timer")
    ex = w.start()
    w.decide(w.poll_decision(), decision("StartTimer", timerId="t1", startToFireTimeout="1", control="c"))
    eq(w.describe(ex)["openCounts"]["openTimers"], 1, "openTimers")
    dt = w.poll_decision(within=10)
    fired = find(dt["events"], "TimerFired")
    eq(fired["timerId"], "t1", "TimerFired.timerId")
    started = find_event(dt["events"], "TimerStarted")
    eq(fired["startedEventId"], started["eventId"], "TimerFired.startedEventId")
    eq(attrs(started)["startToFireTimeout"], "1", "TimerStarted.startToFireTimeout")
    eq(w.describe(ex)["openCounts"]["openTimers"], 0, "openTimers after firing")


@case()
def timer_cancel_and_failures():
    w = World("timercx")
    ex = w.start()
    w.decide(w.poll_decision(), decision("StartTimer", timerId="t1", startToFireTimeout="600"))
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="go")
    w.decide(
        w.poll_decision(),
        decision("CancelTimer", timerId="t1"),
        decision("CancelTimer", timerId="nope"),
        decision("StartTimer", timerId="t2", startToFireTimeout="600"),
        decision("StartTimer", timerId="t2", startToFireTimeout="600"),
    )
    events = w.history(ex)
    eq(find(events, "TimerCanceled")["timerId"], "t1", "TimerCanceled.timerId")
    f = find(events, "CancelTimerFailed")
    eq((f["timerId"], f["cause"]), ("nope", "TIMER_ID_UNKNOWN"), "CancelTimerFailed")
    f = find(events, "StartTimerFailed")
    eq((f["timerId"], f["cause"]), ("t2", "TIMER_ID_ALREADY_IN_USE"), "StartTimerFailed")
    eq(w.describe(ex)["openCounts"]["openTimers"], 1, "openTimers")


@case()
def signals():
    w = World("signal")
    ex = w.start()
    w.decide(w.poll_decision())
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="s1", input="one")
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], runId=ex["runId"], signalName="s2", input="two")
    dt = w.poll_decision()
    sig = [attrs(e) for e in dt["events"] if e["eventType"] == "WorkflowExecutionSignaled"]
    eq([(s["signalName"], s.get("input")) for s in sig], [("s1", "one"), ("s2", "two")], "signals")
    raises("UnknownResourceFault", swf.signal_workflow_execution, domain=w.domain, workflowId="no-such", signalName="s")
    w.decide(dt, decision("CompleteWorkflowExecution"))
    raises("UnknownResourceFault", swf.signal_workflow_execution, domain=w.domain, workflowId=ex["workflowId"], signalName="s")


@case()
def request_cancel_workflow():
    w = World("wfcancel")
    ex = w.start()
    w.decide(w.poll_decision())
    swf.request_cancel_workflow_execution(domain=w.domain, workflowId=ex["workflowId"])
    check(w.describe(ex)["executionInfo"].get("cancelRequested") is True, "executionInfo.cancelRequested is not true")
    dt = w.poll_decision()
    find(dt["events"], "WorkflowExecutionCancelRequested")
    w.decide(dt, decision("CancelWorkflowExecution", details="bye"))
    eq(find(w.history(ex), "WorkflowExecutionCanceled").get("details"), "bye", "WorkflowExecutionCanceled.details")
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "CANCELED", "closeStatus")
    raises("UnknownResourceFault", swf.request_cancel_workflow_execution, domain=w.domain, workflowId=ex["workflowId"])


@case()
def terminate_workflow():
    w = World("term")
    ex, task = w.schedule_and_start()
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="wake")
    dt = w.poll_decision()
    swf.terminate_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], reason="ops", details="stuck", childPolicy="ABANDON")
    events = w.history(ex)
    eq(events[-1]["eventType"], "WorkflowExecutionTerminated", "last event")
    t = attrs(events[-1])
    eq((t.get("reason"), t.get("details"), t["childPolicy"]), ("ops", "stuck", "ABANDON"), "WorkflowExecutionTerminated")
    raises("UnknownResourceFault", swf.respond_decision_task_completed, taskToken=dt["taskToken"])
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "TERMINATED", "closeStatus")
    raises("UnknownResourceFault", swf.record_activity_task_heartbeat, taskToken=task["taskToken"])
    raises("UnknownResourceFault", swf.terminate_workflow_execution, domain=w.domain, workflowId=ex["workflowId"])


@case()
def workflow_and_decision_timeouts():
    w = World("wfto")
    ex = w.start(executionStartToCloseTimeout="3", taskStartToCloseTimeout="1")
    late = w.poll_decision()  # and never answer it
    events = w.wait_for(ex, "DecisionTaskTimedOut", within=10)
    eq(find(events, "DecisionTaskTimedOut")["timeoutType"], "START_TO_CLOSE", "DecisionTaskTimedOut.timeoutType")
    raises("UnknownResourceFault", swf.respond_decision_task_completed, taskToken=late["taskToken"], decisions=[decision("CompleteWorkflowExecution")])
    check("DecisionTaskStarted" in types_of(w.poll_decision()["events"]), "no new decision task after the timeout")
    events = w.wait_for(ex, "WorkflowExecutionTimedOut", within=10)
    eq(find(events, "WorkflowExecutionTimedOut")["timeoutType"], "START_TO_CLOSE", "WorkflowExecutionTimedOut.timeoutType")
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "TIMED_OUT", "closeStatus")


# ---------------------------------------------------------------------------------------------------------
# Decision failures

@case()
def decision_schedule_activity_failures():
    w = World("schedfail")
    w.register_activity_type("nolist", "1", defaultTaskList=None)
    w.register_activity_type("old", "1")
    swf.deprecate_activity_type(domain=w.domain, activityType={"name": "old", "version": "1"})
    ex = w.start()
    w.decide(
        w.poll_decision(),
        schedule("a1", name="missing"),
        schedule("a2"),
        schedule("a2"),
        schedule("a3", name="nolist"),
        schedule("a4", name="old"),
    )
    causes = {attrs(e)["activityId"]: attrs(e)["cause"] for e in w.history(ex) if e["eventType"] == "ScheduleActivityTaskFailed"}
    eq(
        causes,
        {
            "a1": "ACTIVITY_TYPE_DOES_NOT_EXIST",
            "a2": "ACTIVITY_ID_ALREADY_IN_USE",
            "a3": "DEFAULT_TASK_LIST_UNDEFINED",
            "a4": "ACTIVITY_TYPE_DEPRECATED",
        },
        "ScheduleActivityTaskFailed causes",
    )
    dt = w.poll_decision()  # a failed decision schedules a new decision task
    check("ScheduleActivityTaskFailed" in types_of(dt["events"]), "new decision task lacks the failure")
    w.decide(dt, decision("RequestCancelActivityTask", activityId="unknown"))
    f = find(w.history(ex), "RequestCancelActivityTaskFailed")
    eq((f["activityId"], f["cause"]), ("unknown", "ACTIVITY_ID_UNKNOWN"), "RequestCancelActivityTaskFailed")


@case()
def decision_unhandled_close():
    w = World("unhandled")
    ex = w.start()
    dt = w.poll_decision()
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="late")
    w.decide(dt, decision("CompleteWorkflowExecution", result="too early"))
    f = find(w.history(ex), "CompleteWorkflowExecutionFailed")
    eq(f["cause"], "UNHANDLED_DECISION", "CompleteWorkflowExecutionFailed.cause")
    eq(w.describe(ex)["executionInfo"]["executionStatus"], "OPEN", "executionStatus")
    dt = w.poll_decision()
    check("WorkflowExecutionSignaled" in types_of(dt["events"]), "the retry decision task lacks the signal")
    w.decide(dt, decision("CompleteWorkflowExecution", result="ok"))
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "COMPLETED", "closeStatus")


@case()
def task_lists_and_priorities():
    w = World("prio")
    other = uid("elsewhere")
    ex = w.start(taskList={"name": other}, taskPriority="5")
    check(not has_token(swf.poll_for_decision_task(domain=w.domain, taskList={"name": w.dtl})), "decision task on the type's list despite the override")
    dt = w.poll_decision(task_list=other)
    eq(dt["workflowExecution"], ex, "decision task on the start's task list")
    eq(w.describe(ex)["executionConfiguration"].get("taskPriority"), "5", "executionConfiguration.taskPriority")
    w.decide(dt, schedule("low", taskPriority="-5"), schedule("mid", taskPriority="1"), schedule("high", taskPriority="10"), schedule("default"))
    got = [w.poll_activity()["activityId"] for _ in range(4)]
    eq(got, ["high", "mid", "default", "low"], "activity tasks handed out by priority (higher first, default 0)")
