"""Cases for pagination with boto3's paginators and for long polls.
"""

import threading
import time

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


# ---------------------------------------------------------------------------------------------------------
# Pagination with boto3's paginators

@case()
def paginate_history():
    w = World("pghist")
    ex = w.start()
    for i in range(6):
        swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="s%d" % i)
    pages = list(
        swf.get_paginator("get_workflow_execution_history").paginate(
            domain=w.domain, execution=ex, PaginationConfig={"PageSize": 2}
        )
    )
    check(len(pages) >= 4, "want at least 4 pages of 2 events, got %d" % len(pages))
    check(all(len(p["events"]) <= 2 for p in pages), "a page is larger than maximumPageSize")
    ids = [e["eventId"] for p in pages for e in p["events"]]
    eq(ids, list(range(1, 9)), "eventIds across pages")
    check("nextPageToken" not in pages[-1], "last page carries a nextPageToken")
    rev = swf.get_paginator("get_workflow_execution_history").paginate(
        domain=w.domain, execution=ex, reverseOrder=True, PaginationConfig={"PageSize": 3}
    ).build_full_result()
    eq([e["eventId"] for e in rev["events"]], list(range(8, 0, -1)), "reverseOrder eventIds")
    first = swf.get_workflow_execution_history(domain=w.domain, execution=ex, maximumPageSize=2)
    token = first["nextPageToken"]
    bad = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    raises_code("ValidationException", swf.get_workflow_execution_history, domain=w.domain, execution=ex, nextPageToken=bad)


@case()
def paginate_list_domains():
    prefix = uid("cf-many")
    names = ["%s-%d" % (prefix, i) for i in range(5)]
    for n in names:
        swf.register_domain(name=n, workflowExecutionRetentionPeriodInDays="1")
    pages = list(swf.get_paginator("list_domains").paginate(registrationStatus="REGISTERED", PaginationConfig={"PageSize": 2}))
    check(len(pages) >= 3, "want at least 3 pages, got %d" % len(pages))
    check(all(len(p["domainInfos"]) <= 2 for p in pages), "a page is larger than maximumPageSize")
    seen = [d["name"] for p in pages for d in p["domainInfos"]]
    eq(len(seen), len(set(seen)), "domains listed twice")
    missing = [n for n in names if n not in seen]
    eq(missing, [], "domains missing from the paginated list")
    first = swf.list_domains(registrationStatus="REGISTERED", maximumPageSize=2)
    eq(len(first["domainInfos"]), 2, "first page size")
    check(first.get("nextPageToken"), "first page without nextPageToken")
    rev = [d["name"] for d in swf.get_paginator("list_domains").paginate(registrationStatus="REGISTERED", reverseOrder=True).build_full_result()["domainInfos"]]
    eq(rev, list(reversed(seen)), "reverseOrder")


@case()
def paginate_types():
    w = World("pgtypes")
    for i in range(4):
        w.register_activity_type("extra", "v%d" % i)
    got = swf.get_paginator("list_activity_types").paginate(
        domain=w.domain, registrationStatus="REGISTERED", PaginationConfig={"PageSize": 2}
    ).build_full_result()
    eq(sorted((t["activityType"]["name"], t["activityType"]["version"]) for t in got["typeInfos"]),
       [("act", "1")] + [("extra", "v%d" % i) for i in range(4)], "activity types")
    named = swf.list_activity_types(domain=w.domain, registrationStatus="REGISTERED", name="extra")["typeInfos"]
    eq(len(named), 4, "activity types named extra")
    got = swf.get_paginator("list_workflow_types").paginate(
        domain=w.domain, registrationStatus="REGISTERED", PaginationConfig={"PageSize": 1}
    ).build_full_result()
    eq([t["workflowType"] for t in got["typeInfos"]], [{"name": "wf", "version": "1"}], "workflow types")


@case()
def paginate_poll_for_decision_task():
    w = World("pgpoll")
    ex = w.start()
    for i in range(5):
        swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="s%d" % i)
    pages = list(
        swf.get_paginator("poll_for_decision_task").paginate(
            domain=w.domain, taskList={"name": w.dtl}, PaginationConfig={"PageSize": 2}
        )
    )
    check(has_token(pages[0]), "no decision task")
    check(len(pages) >= 4, "want at least 4 pages, got %d" % len(pages))
    eq({p["taskToken"] for p in pages}, {pages[0]["taskToken"]}, "the task token changed between pages")
    events = [e for p in pages for e in p["events"]]
    eq([e["eventId"] for e in events], list(range(1, len(events) + 1)), "eventIds across pages")
    eq(events[-1]["eventType"], "DecisionTaskStarted", "last event")
    eq(pages[0]["startedEventId"], len(events), "startedEventId")
    rev = swf.get_paginator("poll_for_decision_task").paginate(
        domain=w.domain, taskList={"name": w.dtl}, reverseOrder=True, PaginationConfig={"PageSize": 3}
    )
    check(not has_token(rev.build_full_result()), "a second decision task while one is open")
    full = {"taskToken": pages[0]["taskToken"]}
    w.decide(full, decision("CompleteWorkflowExecution"))
    eq(w.describe(ex)["executionInfo"].get("closeStatus"), "COMPLETED", "closeStatus")


# ---------------------------------------------------------------------------------------------------------
# Long polls

@case()
def long_poll_empty_activity():
    w = World("emptya")
    begin = time.monotonic()
    resp = swf.poll_for_activity_task(domain=w.domain, taskList={"name": "nobody-home"})
    took = time.monotonic() - begin
    check("taskToken" not in resp, "empty poll has a taskToken key: %r" % resp.get("taskToken"))
    check(1.5 <= took <= 20, "empty poll returned after %.1f s, want the server's hold (3 s in run.sh)" % took)


@case()
def long_poll_empty_decision():
    w = World("emptyd")
    begin = time.monotonic()
    resp = swf.poll_for_decision_task(domain=w.domain, taskList={"name": "nobody-home"})
    took = time.monotonic() - begin
    check("taskToken" not in resp, "empty poll has a taskToken key: %r" % resp.get("taskToken"))
    check(1.5 <= took <= 20, "empty poll returned after %.1f s, want the server's hold (3 s in run.sh)" % took)


@case()
def long_poll_wakes_when_task_arrives():
    w = World("wakemid")
    ex = w.start()
    w.decide(w.poll_decision())
    other = new_client()
    timer = threading.Timer(1.0, lambda: other.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="now"))
    begin = time.monotonic()
    timer.start()
    try:
        dt = swf.poll_for_decision_task(domain=w.domain, taskList={"name": w.dtl}, reverseOrder=True)
    finally:
        timer.join()
    took = time.monotonic() - begin
    check(has_token(dt), "the held poll returned empty although a signal arrived after 1 s")
    check(took < 2.5, "the held poll returned after %.1f s, not when the task arrived (1 s)" % took)
    eq(dt["events"][0]["eventType"], "DecisionTaskStarted", "first event with reverseOrder")
    eq([e["eventId"] for e in dt["events"]], list(range(len(dt["events"]), 0, -1)), "eventIds with reverseOrder")


@case()
def long_poll_wakes_on_new_task():
    w = World("wake")
    ex = w.start()
    w.decide(w.poll_decision())
    # A signal sent while nobody polls is delivered to the next poll at once.
    swf.signal_workflow_execution(domain=w.domain, workflowId=ex["workflowId"], signalName="now")
    begin = time.monotonic()
    dt = swf.poll_for_decision_task(domain=w.domain, taskList={"name": w.dtl})
    check(has_token(dt), "no decision task after a signal")
    check(time.monotonic() - begin < 1.5, "a poll with a task waiting was held")
