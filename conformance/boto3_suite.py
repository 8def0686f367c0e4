#!/usr/bin/python3
"""openswf conformance suite, boto3 half: drives a running openswf with Debian's boto3.

Usage: /usr/bin/python3 conformance/boto3_suite.py http://127.0.0.1:PORT

Every case is a function decorated with @case in one of the cases_*.py modules; it talks to the server only
through boto3 and asserts on what boto3 hands back (typed exceptions, response dicts), never on openswf's own
structures. The runner prints one line per case:

    PASS name
    FAIL name: reason
    PENDING name: [group] reason   (the case's group is listed in $CONFORMANCE_PENDING; never counted as failed)
    SKIP name: reason              (an auth case, and the server runs without access control)

then a closing comment line `# boto3 suite done: …`, and exits 1 if any case failed.

Environment:
    CONFORMANCE_PENDING     space-separated groups whose cases run but are reported as PENDING
    CONFORMANCE_ONLY        a regular expression; only cases whose name matches it run (local debugging)
    CONFORMANCE_CASE_LIMIT  seconds one case may take before it is reported as failed (default 60)
    CONFORMANCE_MODEL       path of a newer SWF service model (botocore service-2 JSON); the DeleteActivityType /
                            DeleteWorkflowType case needs it, because Debian's botocore 1.29 predates those
                            operations (run.sh points it at swf/model/swf-2012-01-25.json)
    CONFORMANCE_SFN_MODEL   the same for Step Functions: the ValidateStateMachineDefinition case needs it (run.sh
                            points it at sfn/model/states-2016-11-23.json)
    CONFORMANCE_AUTH        1: the server runs with access control; the auth cases run (else they are skipped)
    CONFORMANCE_AUTH_FILE   the server's access control file, whose restricted users the auth cases sign as
    CONFORMANCE_ACCESS_KEY_ID, CONFORMANCE_SECRET_ACCESS_KEY
                            the key every other call signs with (x/y when unset); run.sh sets the admin's

Only the standard library and boto3/botocore are used.
"""

import os
import re
import signal
import sys
import traceback

import boto3
import botocore
from botocore.exceptions import ClientError

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
PENDING = set(os.environ.get("CONFORMANCE_PENDING", "").split())
ONLY = os.environ.get("CONFORMANCE_ONLY", "")

# A case that runs longer than this is reported as failed and the suite moves on (SIGALRM interrupts a
# blocked socket read in the main thread).
CASE_LIMIT_SECONDS = int(os.environ.get("CONFORMANCE_CASE_LIMIT") or 60)


class CaseTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise CaseTimeout("case exceeded %d s" % CASE_LIMIT_SECONDS)


def one_line(s):
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s if len(s) <= 400 else s[:400] + "…"


def describe_error(e):
    """The reason printed for an exception that escaped a case."""
    if isinstance(e, harness.Fail):
        return one_line(e)
    where = ""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if os.path.dirname(os.path.abspath(frame.filename)) == HERE:
            where = " (at %s:%d: %s)" % (os.path.basename(frame.filename), frame.lineno, frame.line)
            break
    if isinstance(e, ClientError):
        err = e.response.get("Error", {})
        return one_line(
            "unexpected %s from %s: %s%s" % (err.get("Code"), e.operation_name, err.get("Message"), where)
        )
    return one_line("%s: %s%s" % (type(e).__name__, e, where))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: boto3_suite.py ENDPOINT_URL")
    harness.connect(sys.argv[1])
    # Imported for their @case registrations, in the order the cases run.
    import cases_workflows  # noqa: F401
    import cases_faults  # noqa: F401
    import cases_paging  # noqa: F401
    import cases_visibility  # noqa: F401
    import cases_decisions  # noqa: F401
    import cases_states  # noqa: F401
    import cases_auth  # noqa: F401
    import cases_own  # noqa: F401

    signal.signal(signal.SIGALRM, on_alarm)
    print(
        "# boto3 %s, botocore %s (%s), endpoint %s"
        % (boto3.__version__, botocore.__version__, os.path.dirname(boto3.__file__), harness.URL),
        flush=True,
    )
    passed = failed = pending = skipped = 0
    for name, group, fn in harness.CASES:
        if ONLY and not re.search(ONLY, name):
            continue
        if fn.needs_auth and not harness.AUTH:
            skipped += 1
            print("SKIP %s: needs access control (CONFORMANCE_AUTH=1)" % name, flush=True)
            continue
        err = None
        signal.alarm(CASE_LIMIT_SECONDS)
        try:
            fn()
        except Exception as e:  # every failure of a case is reported, none stops the suite
            err = describe_error(e)
        finally:
            signal.alarm(0)
        if group in PENDING:
            pending += 1
            if err is None:
                err = "passes now; group %r can leave CONFORMANCE_PENDING" % group
            print("PENDING %s: [%s] %s" % (name, group, err), flush=True)
        elif err is None:
            passed += 1
            print("PASS %s" % name, flush=True)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, err), flush=True)
    print("# boto3 suite done: %d passed, %d failed, %d pending, %d skipped" % (passed, failed, pending, skipped), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
