"""An activity worker for the example workflow, with two kinds of task on two task lists:

- add (task list quick-jobs): adds the numbers of its input and completes;
- long-job (task list long-jobs): works in steps, heartbeats after each with its progress as details, and,
  when the heartbeat's answer says cancelRequested, stops and answers RespondActivityTaskCanceled.

    OPENSWF_ENDPOINT=http://127.0.0.1:7740 python3 worker.py [TASKS]

It exits after TASKS tasks (default: runs until interrupted); run.py starts it with 2.
"""
import json
import os
import sys
import threading
import time

import boto3

DOMAIN = os.environ.get("EXAMPLE_DOMAIN", "examples")


def client():
    # A session of its own: boto3's default session is not safe to share between threads.
    return boto3.session.Session().client("swf", endpoint_url=os.environ.get("OPENSWF_ENDPOINT", "http://127.0.0.1:7740"),
                                          region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def add(swf, task):
    total = sum(json.loads(task["input"]))
    swf.respond_activity_task_completed(taskToken=task["taskToken"], result=str(total))
    return "add: completed with %d" % total


def long_job(swf, task):
    steps = json.loads(task["input"])["steps"]
    for step in range(1, steps + 1):
        time.sleep(0.2)  # a step of real work
        # The heartbeat keeps the task alive (its heartbeatTimeout is 10 s) and carries the progress, which an
        # ActivityTaskTimedOut event would record had the worker died.
        answer = swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="step %d of %d" % (step, steps))
        if answer["cancelRequested"]:
            swf.respond_activity_task_canceled(taskToken=task["taskToken"], details="stopped at step %d" % step)
            return "long-job: canceled at step %d" % step
    swf.respond_activity_task_completed(taskToken=task["taskToken"], result="all %d steps" % steps)
    return "long-job: completed"


failures = []


def work(task_list, handler, budget):
    try:
        swf = client()
        while budget.take():
            while True:
                task = swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": task_list},
                                                  identity="example-worker")
                if task.get("taskToken"):
                    break
            print("worker:", handler(swf, task), flush=True)
    except Exception as e:  # reported by main, which then fails
        failures.append("%s: %r" % (task_list, e))


class Budget:
    """Counts the tasks left to take, shared by the pollers; None means no end."""

    def __init__(self, n):
        self.n, self.lock = n, threading.Lock()

    def take(self):
        with self.lock:
            if self.n is None:
                return True
            if self.n == 0:
                return False
            self.n -= 1
            return True


def main():
    # One poller per task list, so that the quick task does not wait behind the long one. Each takes one
    # task when a count is given: the example has one of each.
    n = int(sys.argv[1]) if len(sys.argv) > 1 else None
    per_list = None if n is None else n // 2
    threads = [threading.Thread(target=work, args=(tl, h, Budget(per_list)), daemon=True)
               for tl, h in (("quick-jobs", add), ("long-jobs", long_job))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for f in failures:
        print("worker: failed:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
