"""A decider for the example workflow: it schedules two activities, asks for the long one to be cancelled once
the quick one has finished, and completes the workflow when both have ended.

    OPENSWF_ENDPOINT=http://127.0.0.1:7740 python3 decider.py

It handles one execution and exits; run.py starts it beside worker.py. A decider holds no state of its own:
every decision is made from the history SWF hands it.
"""
import json
import os
import sys

import boto3

DOMAIN = os.environ.get("EXAMPLE_DOMAIN", "examples")
TASK_LIST = "decisions"


def client():
    # A session of its own: boto3's default session is not safe to share between threads.
    return boto3.session.Session().client("swf", endpoint_url=os.environ.get("OPENSWF_ENDPOINT", "http://127.0.0.1:7740"),
                                          region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def poll(swf):
    """Long-polls for a decision task and returns it with its whole history, or None if the poll ended empty."""
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": TASK_LIST}, identity="example-decider")
    if not task.get("taskToken"):
        return None
    events = task["events"]
    while task.get("nextPageToken"):
        task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": TASK_LIST}, identity="example-decider",
                                          nextPageToken=task["nextPageToken"])
        events += task["events"]
    task["events"] = events
    return task


def schedule(activity_id, name, task_list, input, heartbeat="NONE"):
    return {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
        "activityId": activity_id, "activityType": {"name": name, "version": "1"}, "taskList": {"name": task_list},
        "input": input, "scheduleToStartTimeout": "60", "scheduleToCloseTimeout": "120",
        "startToCloseTimeout": "60", "heartbeatTimeout": heartbeat}}


def decide(events):
    """The decisions for a history: what has happened so far decides what to do next."""
    by_id = {e["eventId"]: e for e in events}

    def activity_of(e, key):
        return by_id[e[key]["scheduledEventId"]]["activityTaskScheduledEventAttributes"]["activityId"]

    started, ended, results, cancel_asked, timer = set(), {}, {}, False, False
    for e in events:
        t = e["eventType"]
        if t == "ActivityTaskStarted":
            started.add(activity_of(e, "activityTaskStartedEventAttributes"))
        elif t == "ActivityTaskCompleted":
            a = activity_of(e, "activityTaskCompletedEventAttributes")
            ended[a], results[a] = "completed", e["activityTaskCompletedEventAttributes"].get("result")
        elif t == "ActivityTaskCanceled":
            a = activity_of(e, "activityTaskCanceledEventAttributes")
            ended[a], results[a] = "canceled", e["activityTaskCanceledEventAttributes"].get("details")
        elif t in ("ActivityTaskFailed", "ActivityTaskTimedOut"):
            ended[activity_of(e, t[0].lower() + t[1:] + "EventAttributes")] = t
        elif t == "ActivityTaskCancelRequested":
            cancel_asked = True
        elif t in ("TimerStarted",):
            timer = True
        elif t in ("TimerFired",):
            timer = False

    if not any(e["eventType"] == "ActivityTaskScheduled" for e in events):
        return [schedule("long", "long-job", "long-jobs", json.dumps({"steps": 1000}), heartbeat="10"),
                schedule("add", "add", "quick-jobs", json.dumps([2, 3]))]
    bad = [f"{a}: {how}" for a, how in ended.items() if how not in ("completed", "canceled")]
    if bad:
        return [{"decisionType": "FailWorkflowExecution", "failWorkflowExecutionDecisionAttributes": {
            "reason": "an activity did not finish", "details": "; ".join(bad)}}]
    if "add" in ended and "long" in ended:
        return [{"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {
            "result": json.dumps({"add": results["add"], "long": ended["long"], "long_details": results["long"]})}}]
    if "add" in ended and not cancel_asked:
        if "long" in started:
            # Cancelling a started task asks its worker, who learns of it from its next heartbeat.
            return [{"decisionType": "RequestCancelActivityTask",
                     "requestCancelActivityTaskDecisionAttributes": {"activityId": "long"}}]
        if not timer:
            # The long task is not with a worker yet; look again in a second.
            return [{"decisionType": "StartTimer", "startTimerDecisionAttributes": {
                "timerId": "recheck-%d" % len(events), "startToFireTimeout": "1"}}]
    return []


def main():
    swf = client()
    while True:
        task = poll(swf)
        if task is None:
            continue
        decisions = decide(task["events"])
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=decisions)
        kinds = [d["decisionType"] for d in decisions]
        print("decider:", ", ".join(kinds) or "nothing to do", flush=True)
        if any(k in ("CompleteWorkflowExecution", "FailWorkflowExecution") for k in kinds):
            return 0


if __name__ == "__main__":
    sys.exit(main())
