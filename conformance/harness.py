"""What every case module of the boto3 suite shares: the boto3 client, the @case registry, assertions, and
helpers that set up domains and drive deciders and workers. boto3_suite.py calls connect(url) before it imports
the case modules, which take these names with `from harness import *`.

Only the standard library and boto3/botocore are used.
"""

import datetime
import json
import os
import shutil
import tempfile
import time
import uuid

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

# The client configuration the conformance brief specifies, and a read timeout above SWF's 60 s long-poll hold.
# Note that botocore's legacy retry mode counts max_attempts as *retries*: a 5xx or a dropped connection is
# retried once (the server's log, which run.sh prints on ERROR lines, still shows it).
CONFIG = Config(retries={"max_attempts": 1}, read_timeout=70)

URL = None
swf = None  # the SWF client every case uses; set by connect
states = None  # the Step Functions client every case uses; set by connect
# The CA bundle that verifies an HTTPS endpoint's certificate (run.sh with CONFORMANCE_TLS=1); botocore's own
# bundle when unset.
CA_BUNDLE = os.environ.get("CONFORMANCE_CA_BUNDLE") or None
MODEL = os.environ.get("CONFORMANCE_MODEL", "")  # a newer SWF model (run.sh: swf/model/)
SFN_MODEL = os.environ.get("CONFORMANCE_SFN_MODEL", "")  # a newer Step Functions model (run.sh: sfn/model/)
# The key every client signs with: the admin's when the server runs with access control (run.sh with
# CONFORMANCE_AUTH=1), else any.
ACCESS_KEY_ID = os.environ.get("CONFORMANCE_ACCESS_KEY_ID") or "x"
SECRET_ACCESS_KEY = os.environ.get("CONFORMANCE_SECRET_ACCESS_KEY") or "y"
# Access control is on: the server's access control file, whose restricted users the auth cases sign as.
AUTH = os.environ.get("CONFORMANCE_AUTH") == "1"
AUTH_FILE = os.environ.get("CONFORMANCE_AUTH_FILE", "")


def connect(url):
    """Points the suite at url: sets URL and the shared clients swf and states."""
    global URL, swf, states
    URL = url
    swf = new_client()
    states = new_client(service="stepfunctions")


def new_client(session=None, service="swf", key=None, config=CONFIG):
    """A further client of service on URL (session: a boto3 Session, e.g. one that loads another model) signing
    with key, an (access key id, secret) pair, or the suite's key."""
    s = session or boto3
    key_id, secret = key or (ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    return s.client(
        service,
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=config,
        verify=CA_BUNDLE,
    )


def user_key(name):
    """The (access key id, secret) of the user name in the server's access control file."""
    check(AUTH_FILE and os.path.exists(AUTH_FILE), "no access control file at %r" % AUTH_FILE)
    with open(AUTH_FILE) as f:
        users = json.load(f)["users"]
    for u in users:
        if u["name"] == name:
            k = u["accessKeys"][0]
            return k["accessKeyId"], k["secretAccessKey"]
    raise Fail("no user %r in %s" % (name, AUTH_FILE))


def user_client(name, service="swf"):
    """A client of service signing with the key of the user name of the access control file."""
    return new_client(service=service, key=user_key(name))


def client_with_model(service, api_version, path, key=None):
    """A client of service on URL whose model is the file at path (a newer botocore service-2 JSON than the
    installed botocore's, or a service botocore lacks), loaded through botocore's data path — the mechanism
    `aws configure add-model` uses — signing with key (see new_client)."""
    check(path and os.path.exists(path), "no %s model file at %r" % (service, path))
    data = tempfile.mkdtemp(prefix="%s-model-" % service)
    try:
        os.makedirs(os.path.join(data, service, api_version))
        shutil.copy(path, os.path.join(data, service, api_version, "service-2.json"))
        session = botocore.session.get_session()
        session.get_component("data_loader").search_paths.insert(0, data)
        return new_client(boto3.session.Session(botocore_session=session), service=service, key=key)
    finally:
        shutil.rmtree(data)


# ---------------------------------------------------------------------------------------------------------
# The case registry

CASES = []  # (name, group, function) in the order the case modules define them


def case(group=None, auth=False):
    """Registers a case; group names a feature that can be listed in CONFORMANCE_PENDING; an auth case runs only
    when the server has access control (CONFORMANCE_AUTH=1), and is reported as SKIP otherwise."""

    def register(fn):
        fn.needs_auth = auth
        CASES.append((fn.__name__, group, fn))
        return fn

    return register


class Fail(Exception):
    """An assertion failed; the message is the reason printed after FAIL."""


# ---------------------------------------------------------------------------------------------------------
# Assertions

def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


def raises(fault, fn, **kwargs):
    """Calls fn(**kwargs) and expects the modeled exception class named fault of fn's client (swf, states…)."""
    client = getattr(fn, "__self__", None)
    if not hasattr(client, "exceptions"):  # a helper such as World.start: its faults are SWF's
        client = swf
    cls = getattr(client.exceptions, fault)
    try:
        fn(**kwargs)
    except cls as e:
        eq(e.response["Error"]["Code"], fault, "error code")
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "HTTP status of %s" % fault)
        check(e.response["Error"].get("Message"), "%s without a message" % fault)
        return e
    except ClientError as e:
        raise Fail(
            "%s: want %s, got %s (%s)"
            % (fn.__name__, fault, e.response["Error"].get("Code"), e.response["Error"].get("Message"))
        )
    raise Fail("%s: want %s, got success" % (fn.__name__, fault))


def raises_code(code, fn, member=None, **kwargs):
    """Calls fn(**kwargs) and expects a generic ClientError whose Error.Code is code (e.g.
    ValidationException, which the SWF model does not list and botocore raises as ClientError), HTTP 400,
    with a message naming member when given."""
    try:
        fn(**kwargs)
    except ClientError as e:
        err = e.response["Error"]
        if err.get("Code") != code:
            raise Fail("%s: want %s, got %s (%s)" % (fn.__name__, code, err.get("Code"), err.get("Message")))
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "HTTP status of %s" % code)
        if member is not None:
            check(member in (err.get("Message") or ""), "%s message %r does not name %r" % (code, err.get("Message"), member))
        return e
    raise Fail("%s: want %s, got success" % (fn.__name__, code))


def validation(fn, member, **kwargs):
    return raises_code("ValidationException", fn, member=member, **kwargs)


# ---------------------------------------------------------------------------------------------------------
# Helpers: names, decisions, histories

def uid(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def lower_first(s):
    return s[0].lower() + s[1:]


def decision(kind, **attrs):
    """A Decision of decisionType kind with its attributes member."""
    d = {"decisionType": kind}
    if attrs:
        d[lower_first(kind) + "DecisionAttributes"] = attrs
    return d


def attrs(event):
    return event.get(lower_first(event["eventType"]) + "EventAttributes", {})


def types_of(events):
    return [e["eventType"] for e in events]


def find(events, event_type, what=None):
    """The attributes of the last event of event_type; fails if there is none."""
    hits = [e for e in events if e["eventType"] == event_type]
    check(hits, "%sno %s event in %s" % (what + ": " if what else "", event_type, types_of(events)))
    return attrs(hits[-1])


def find_event(events, event_type):
    hits = [e for e in events if e["eventType"] == event_type]
    check(hits, "no %s event in %s" % (event_type, types_of(events)))
    return hits[-1]


def has_token(resp):
    return bool(resp.get("taskToken"))


def epoch(dt):
    return dt.timestamp() if isinstance(dt, datetime.datetime) else float(dt)


class World:
    """One fresh domain with a workflow type `wf` 1 and an activity type `act` 1 whose defaults are all set,
    on task lists no other case uses."""

    def __init__(self, tag, **domain_kwargs):
        self.domain = uid("cf-" + tag)
        self.dtl = uid("decisions")
        self.atl = uid("activities")
        swf.register_domain(name=self.domain, workflowExecutionRetentionPeriodInDays="1", **domain_kwargs)
        self.register_workflow_type("wf", "1")
        self.register_activity_type("act", "1")

    def register_workflow_type(self, name, version, **overrides):
        kw = dict(
            defaultTaskList={"name": self.dtl},
            defaultTaskStartToCloseTimeout="30",
            defaultExecutionStartToCloseTimeout="600",
            defaultChildPolicy="TERMINATE",
        )
        kw.update(overrides)
        kw = {k: v for k, v in kw.items() if v is not None}
        swf.register_workflow_type(domain=self.domain, name=name, version=version, **kw)

    def register_activity_type(self, name, version, **overrides):
        kw = dict(
            defaultTaskList={"name": self.atl},
            defaultTaskScheduleToStartTimeout="NONE",
            defaultTaskScheduleToCloseTimeout="NONE",
            defaultTaskStartToCloseTimeout="600",
            defaultTaskHeartbeatTimeout="NONE",
        )
        kw.update(overrides)
        kw = {k: v for k, v in kw.items() if v is not None}
        swf.register_activity_type(domain=self.domain, name=name, version=version, **kw)

    def start(self, wid=None, wtype=("wf", "1"), **kwargs):
        wid = wid or uid("wf")
        run = swf.start_workflow_execution(
            domain=self.domain, workflowId=wid, workflowType={"name": wtype[0], "version": wtype[1]}, **kwargs
        )
        return {"workflowId": wid, "runId": run["runId"]}

    def poll_decision(self, task_list=None, within=15, **kwargs):
        """Long-polls until a decision task arrives (each poll holds at most the server's hold)."""
        deadline = time.monotonic() + within
        while True:
            t = swf.poll_for_decision_task(
                domain=self.domain, taskList={"name": task_list or self.dtl}, identity="decider", **kwargs
            )
            if has_token(t):
                return t
            if time.monotonic() > deadline:
                raise Fail("no decision task on %s within %d s" % (task_list or self.dtl, within))

    def poll_activity(self, task_list=None, within=15):
        deadline = time.monotonic() + within
        while True:
            t = swf.poll_for_activity_task(
                domain=self.domain, taskList={"name": task_list or self.atl}, identity="worker"
            )
            if has_token(t):
                return t
            if time.monotonic() > deadline:
                raise Fail("no activity task on %s within %d s" % (task_list or self.atl, within))

    def decide(self, task, *decisions, **kwargs):
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=list(decisions), **kwargs)

    def history(self, execution, **kwargs):
        pages = swf.get_paginator("get_workflow_execution_history").paginate(
            domain=self.domain, execution=execution, **kwargs
        )
        return [e for page in pages for e in page["events"]]

    def wait_for(self, execution, event_type, within=15):
        """Polls the history until an event of event_type appears; returns the full history."""
        deadline = time.monotonic() + within
        while True:
            events = self.history(execution)
            if event_type in types_of(events):
                return events
            if time.monotonic() > deadline:
                raise Fail("no %s within %d s; history %s" % (event_type, within, types_of(events)))
            time.sleep(0.2)

    def describe(self, execution):
        return swf.describe_workflow_execution(domain=self.domain, execution=execution)

    def schedule_and_start(self, activity_id="a1", **attrs_):
        """Starts a run, schedules one activity with attrs_ and polls it: returns (execution, activity task)."""
        ex = self.start()
        self.decide(
            self.poll_decision(),
            decision("ScheduleActivityTask", activityType={"name": "act", "version": "1"}, activityId=activity_id, **attrs_),
        )
        return ex, self.poll_activity()


def schedule(activity_id, name="act", version="1", **kwargs):
    return decision("ScheduleActivityTask", activityType={"name": name, "version": version}, activityId=activity_id, **kwargs)
