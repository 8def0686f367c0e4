"""Cases for visibility (List/Count Open/Closed WorkflowExecutions) and tags (TagResource, UntagResource,
ListTagsForResource): groups "visibility" and "tags", pending while listed in CONFORMANCE_PENDING.
"""

import datetime
import time

from botocore.exceptions import ClientError

from harness import *  # noqa: F401,F403 — the client, @case, assertions and helpers every case module shares


# ---- visibility ---------------------------------------------------------------------------------------

def since(seconds=300):
    return {"oldestDate": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)}


def ids_of(infos):
    return [i["execution"]["workflowId"] for i in infos]


class VisWorld(World):
    """Three open runs (a: wf tagged red, b: wf tagged blue, c: wf2 tagged red) started in that order."""

    def __init__(self, tag):
        super().__init__(tag)
        self.register_workflow_type("wf2", "1")
        self.a = self.start(wid=uid("a"), tagList=["red"])
        time.sleep(0.05)
        self.b = self.start(wid=uid("b"), tagList=["blue"])
        time.sleep(0.05)
        self.c = self.start(wid=uid("c"), wtype=("wf2", "1"), tagList=["red", "x"])


@case(group="visibility")
def visibility_list_open():
    w = VisWorld("visopen")
    a, b, c = w.a["workflowId"], w.b["workflowId"], w.c["workflowId"]
    got = swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since())["executionInfos"]
    eq(ids_of(got), [c, b, a], "open executions, newest first")
    info = got[0]
    eq(info["execution"], w.c, "execution")
    eq(info["workflowType"], {"name": "wf2", "version": "1"}, "workflowType")
    eq(info["executionStatus"], "OPEN", "executionStatus")
    eq(info["tagList"], ["red", "x"], "tagList")
    check(isinstance(info["startTimestamp"], datetime.datetime), "startTimestamp")
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since(), reverseOrder=True)["executionInfos"]), [a, b, c], "reverseOrder")
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since(), executionFilter={"workflowId": b})["executionInfos"]), [b], "executionFilter")
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since(), typeFilter={"name": "wf2"})["executionInfos"]), [c], "typeFilter name")
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since(), typeFilter={"name": "wf", "version": "1"})["executionInfos"]), [b, a], "typeFilter name+version")
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since(), tagFilter={"tag": "red"})["executionInfos"]), [c, a], "tagFilter")
    future = {"oldestDate": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)}
    eq(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=future)["executionInfos"], [], "startTimeFilter in the future")
    past = {"oldestDate": datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc), "latestDate": datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)}
    eq(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=past)["executionInfos"], [], "startTimeFilter latestDate in the past")
    swf.terminate_workflow_execution(domain=w.domain, workflowId=b)
    eq(ids_of(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since())["executionInfos"]), [c, a], "open executions after terminating b")


@case(group="visibility")
def visibility_list_closed():
    w = VisWorld("visclosed")
    a, b, c = w.a["workflowId"], w.b["workflowId"], w.c["workflowId"]
    # a completes, then b is terminated, then c is canceled: close order a, b, c.
    dt = w.poll_decision()
    while dt["workflowExecution"]["workflowId"] != a:
        w.decide(dt)
        dt = w.poll_decision()
    w.decide(dt, decision("CompleteWorkflowExecution"))
    time.sleep(0.05)
    swf.terminate_workflow_execution(domain=w.domain, workflowId=b)
    time.sleep(0.05)
    swf.request_cancel_workflow_execution(domain=w.domain, workflowId=c)
    while True:
        dt = w.poll_decision()
        if dt["workflowExecution"]["workflowId"] == c and "WorkflowExecutionCancelRequested" in types_of(dt["events"]):
            w.decide(dt, decision("CancelWorkflowExecution"))
            break
        w.decide(dt)
    got = swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since())["executionInfos"]
    eq(ids_of(got), [c, b, a], "closed executions, latest close first")
    eq({i["execution"]["workflowId"]: i.get("closeStatus") for i in got}, {a: "COMPLETED", b: "TERMINATED", c: "CANCELED"}, "closeStatus")
    check(all(i["executionStatus"] == "CLOSED" and "closeTimestamp" in i for i in got), "closed infos lack status or closeTimestamp")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, startTimeFilter=since())["executionInfos"]), [c, b, a], "startTimeFilter")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), reverseOrder=True)["executionInfos"]), [a, b, c], "reverseOrder")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), closeStatusFilter={"status": "TERMINATED"})["executionInfos"]), [b], "closeStatusFilter")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), executionFilter={"workflowId": a})["executionInfos"]), [a], "executionFilter")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), typeFilter={"name": "wf2", "version": "1"})["executionInfos"]), [c], "typeFilter")
    eq(ids_of(swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), tagFilter={"tag": "blue"})["executionInfos"]), [b], "tagFilter")
    eq(swf.list_open_workflow_executions(domain=w.domain, startTimeFilter=since())["executionInfos"], [], "open executions after closing all")


@case(group="visibility")
def visibility_counts():
    w = VisWorld("viscount")
    count = swf.count_open_workflow_executions(domain=w.domain, startTimeFilter=since())
    eq((count["count"], count.get("truncated", False)), (3, False), "count open")
    eq(swf.count_open_workflow_executions(domain=w.domain, startTimeFilter=since(), tagFilter={"tag": "red"})["count"], 2, "count open tagFilter")
    eq(swf.count_open_workflow_executions(domain=w.domain, startTimeFilter=since(), typeFilter={"name": "wf2"})["count"], 1, "count open typeFilter")
    eq(swf.count_open_workflow_executions(domain=w.domain, startTimeFilter=since(), executionFilter={"workflowId": w.a["workflowId"]})["count"], 1, "count open executionFilter")
    swf.terminate_workflow_execution(domain=w.domain, workflowId=w.a["workflowId"])
    swf.terminate_workflow_execution(domain=w.domain, workflowId=w.c["workflowId"])
    eq(swf.count_open_workflow_executions(domain=w.domain, startTimeFilter=since())["count"], 1, "count open after terminations")
    eq(swf.count_closed_workflow_executions(domain=w.domain, closeTimeFilter=since())["count"], 2, "count closed")
    eq(swf.count_closed_workflow_executions(domain=w.domain, startTimeFilter=since(), closeStatusFilter={"status": "TERMINATED"})["count"], 2, "count closed TERMINATED")
    eq(swf.count_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), closeStatusFilter={"status": "COMPLETED"})["count"], 0, "count closed COMPLETED")
    eq(swf.count_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), tagFilter={"tag": "x"})["count"], 1, "count closed tagFilter")
    eq(swf.count_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), typeFilter={"name": "wf", "version": "1"})["count"], 1, "count closed typeFilter")
    eq(swf.count_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), executionFilter={"workflowId": w.c["workflowId"]})["count"], 1, "count closed executionFilter")


@case(group="visibility")
def visibility_pagination():
    w = World("vispage")
    started = [w.start(wid="run-%d" % i) for i in range(5)]
    pages = list(swf.get_paginator("list_open_workflow_executions").paginate(domain=w.domain, startTimeFilter=since(), PaginationConfig={"PageSize": 2}))
    check(len(pages) >= 3, "want at least 3 pages, got %d" % len(pages))
    check(all(len(p["executionInfos"]) <= 2 for p in pages), "a page is larger than maximumPageSize")
    eq(sorted(ids_of([i for p in pages for i in p["executionInfos"]])), sorted(s["workflowId"] for s in started), "open executions across pages")
    for s in started:
        swf.terminate_workflow_execution(domain=w.domain, workflowId=s["workflowId"])
    got = swf.get_paginator("list_closed_workflow_executions").paginate(
        domain=w.domain, closeTimeFilter=since(), PaginationConfig={"PageSize": 2}
    ).build_full_result()
    eq(sorted(ids_of(got["executionInfos"])), sorted(s["workflowId"] for s in started), "closed executions across pages")
    first = swf.list_closed_workflow_executions(domain=w.domain, closeTimeFilter=since(), maximumPageSize=2)
    token = first["nextPageToken"]
    bad = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    raises_code("ValidationException", swf.list_closed_workflow_executions, domain=w.domain, closeTimeFilter=since(), nextPageToken=bad)


@case(group="visibility")
def visibility_filter_rules():
    w = World("visrules")
    for fn, kw, what in (
        (swf.list_closed_workflow_executions, dict(startTimeFilter=since(), closeTimeFilter=since()), "start and close time filters"),
        (swf.list_closed_workflow_executions, dict(), "no time filter"),
        (swf.list_closed_workflow_executions, dict(closeTimeFilter=since(), tagFilter={"tag": "t"}, typeFilter={"name": "wf"}), "tag and type filters"),
        (swf.list_closed_workflow_executions, dict(closeTimeFilter=since(), executionFilter={"workflowId": "w"}, closeStatusFilter={"status": "FAILED"}), "execution and close status filters"),
        (swf.list_open_workflow_executions, dict(startTimeFilter=since(), executionFilter={"workflowId": "w"}, tagFilter={"tag": "t"}), "execution and tag filters"),
        (swf.count_closed_workflow_executions, dict(startTimeFilter=since(), closeTimeFilter=since()), "count: start and close time filters"),
        (swf.count_open_workflow_executions, dict(startTimeFilter=since(), typeFilter={"name": "wf"}, tagFilter={"tag": "t"}), "count: type and tag filters"),
    ):
        try:
            fn(domain=w.domain, **kw)
            raise Fail("%s accepted %s" % (fn.__name__, what))
        except ClientError as e:
            eq(e.response["Error"]["Code"], "ValidationException", "%s with %s" % (fn.__name__, what))
    raises("UnknownResourceFault", swf.list_open_workflow_executions, domain=uid("nope"), startTimeFilter=since())
    raises("UnknownResourceFault", swf.count_closed_workflow_executions, domain=uid("nope"), closeTimeFilter=since())


# ---- tags -------------------------------------------------------------------------------------------------

def domain_arn(name):
    return swf.describe_domain(name=name)["domainInfo"]["arn"]


def tag_dict(resp):
    return {t["key"]: t.get("value") for t in resp.get("tags", [])}


@case(group="tags")
def tags_domain_roundtrip():
    w = World("tags", tags=[{"key": "team", "value": "a"}])
    arn = domain_arn(w.domain)
    check(arn.startswith("arn:aws:swf:") and arn.endswith("/domain/" + w.domain), "domain ARN %r" % arn)
    eq(tag_dict(swf.list_tags_for_resource(resourceArn=arn)), {"team": "a"}, "tags from RegisterDomain")
    swf.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"}, {"key": "team", "value": "b"}])
    eq(tag_dict(swf.list_tags_for_resource(resourceArn=arn)), {"team": "b", "env": "dev"}, "tags after TagResource")
    swf.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    eq(tag_dict(swf.list_tags_for_resource(resourceArn=arn)), {"env": "dev"}, "tags after UntagResource")


@case(group="tags")
def tags_faults():
    w = World("tagfault", tags=[{"key": "k%d" % i, "value": "v"} for i in range(50)])
    arn = domain_arn(w.domain)
    raises("TooManyTagsFault", swf.tag_resource, resourceArn=arn, tags=[{"key": "one-more", "value": "v"}])
    swf.tag_resource(resourceArn=arn, tags=[{"key": "k0", "value": "replaced"}])  # replacing is not adding
    eq(len(tag_dict(swf.list_tags_for_resource(resourceArn=arn))), 50, "tag count")
    missing = arn.rsplit("/", 1)[0] + "/" + uid("nope")
    raises("UnknownResourceFault", swf.list_tags_for_resource, resourceArn=missing)
    raises("UnknownResourceFault", swf.tag_resource, resourceArn=missing, tags=[{"key": "a", "value": "b"}])
    raises("UnknownResourceFault", swf.untag_resource, resourceArn=missing, tagKeys=["a"])
    validation(swf.tag_resource, "key", resourceArn=arn, tags=[{"key": "k" * 129, "value": "v"}])
