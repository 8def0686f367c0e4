"""Runs the example end to end: starts openswf on a free loopback port with a throwaway database, registers
the domain and the types, starts one execution, runs decider.py and worker.py against it, and checks what
happened. Exits non-zero if anything is not as expected.

    python3 examples/boto3/run.py [path/to/openswf]     (default: the openswf on PATH)

Any credentials do for a server without access control; the endpoint is the server's URL.
"""
import json
import os
import re
import subprocess
import sys
import threading
import time

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAIN = "examples"
DEADLINE = 45  # seconds for the whole run


def start_server(binary):
    # --poll-hold 5s: an idle poll answers empty after 5 s, so that the programs notice the end quickly.
    proc = subprocess.Popen([binary, "serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "--poll-hold", "5s"],
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        m = re.search(r'msg="openswf listening" addr=(\S+)', line)
        if m:
            # Keep reading its log, or the server would block once the pipe is full.
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return proc, "http://" + m.group(1)
    raise SystemExit("openswf stopped before it listened")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "openswf"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="example", AWS_SECRET_ACCESS_KEY="example", AWS_DEFAULT_REGION="us-east-1",
               EXAMPLE_DOMAIN=DOMAIN)
    os.environ.update(env)
    server, url = start_server(binary)
    programs = []
    try:
        env["OPENSWF_ENDPOINT"] = url
        swf = boto3.client("swf", endpoint_url=url)
        swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
        swf.register_workflow_type(domain=DOMAIN, name="example", version="1", defaultTaskList={"name": "decisions"},
                                   defaultExecutionStartToCloseTimeout="120", defaultTaskStartToCloseTimeout="30",
                                   defaultChildPolicy="TERMINATE")
        for name in ("add", "long-job"):
            swf.register_activity_type(domain=DOMAIN, name=name, version="1")
        run = swf.start_workflow_execution(domain=DOMAIN, workflowId="example-1",
                                           workflowType={"name": "example", "version": "1"})
        print("run.py: started example-1 on", url, flush=True)

        programs = [subprocess.Popen([sys.executable, os.path.join(HERE, p)] + args, env=env)
                    for p, args in (("decider.py", []), ("worker.py", ["2"]))]
        deadline = time.monotonic() + DEADLINE
        for p in programs:
            try:
                p.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise SystemExit("run.py: FAIL: %s did not finish within %d s" % (p.args[-1], DEADLINE))
        failed = [p.args[1] for p in programs if p.returncode != 0]
        if failed:
            raise SystemExit("run.py: FAIL: %s exited non-zero" % ", ".join(failed))

        execution = {"workflowId": "example-1", "runId": run["runId"]}
        info = swf.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        events = [e for page in swf.get_paginator("get_workflow_execution_history").paginate(
            domain=DOMAIN, execution=execution) for e in page["events"]]
        types = [e["eventType"] for e in events]
        result = json.loads(events[-1].get("workflowExecutionCompletedEventAttributes", {}).get("result", "{}"))
        checks = [
            ("the run completed", info.get("closeStatus") == "COMPLETED"),
            ("add completed with 5", result.get("add") == "5"),
            ("the long job was canceled by its worker", result.get("long") == "canceled"
             and str(result.get("long_details", "")).startswith("stopped at step")),
            ("the history has the cancel request, then the cancellation",
             "ActivityTaskCancelRequested" in types and "ActivityTaskCanceled" in types
             and types.index("ActivityTaskCancelRequested") < types.index("ActivityTaskCanceled")),
        ]
        for what, ok in checks:
            print("run.py:", "ok  " if ok else "FAIL", what, flush=True)
        if not all(ok for _, ok in checks):
            print("run.py: history:", types, "result:", result, file=sys.stderr)
            return 1
        print("run.py: example passed")
        return 0
    finally:
        for p in programs:
            if p.poll() is None:
                p.kill()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
