#!/usr/bin/python3
"""Python Celery 5.2 as a client of a Celeriac (or Python) worker, for the interop tests.

Every command prints exactly one JSON object on stdout (logs go to stderr) and exits 0, unless
its arguments are wrong. Broker and backend come from CELERY_BROKER_URL / CELERY_RESULT_BACKEND,
task_queue_max_priority from INTEROP_QUEUE_MAX_PRIORITY. INTEROP_TRACEPARENT (and INTEROP_TRACESTATE):
every task this client publishes carries that trace context as opentelemetry-instrumentation-celery
would put it — written into the message headers dict in a before_task_publish handler, i.e. top-level
in the protocol v2 headers.

  send SPEC                 SPEC: a JSON object, or a list of them (or @PATH: a file holding it), each
                            {"name", "args", "kwargs", "countdown", "eta_in", "expires",
                             "priority", "queue", "task_id"} (expires: seconds from now, may be
                            negative); prints {"ids": [...], "sent_at": epoch seconds}
  get ID... [--timeout S] [--expect JSON]
                            AsyncResult(id).get() for each id; prints {"results": [OUTCOME, ...]}
                            with OUTCOME {"id", "state", "result", "repr", "date_done",
                            "traceback", "matches"} on success, or with "exception":
                            {"type": type(e).__name__, "module", "message": str(e)} when get()
                            raised (or {"timeout": true} when it timed out). --expect: "matches"
                            tells whether the result equals JSON exactly (types included: 4 is
                            not 4.0, True is not 1)
  state ID                  the current AsyncResult state and info without waiting
  canvas SPEC               a chain, a chord, a group or a task with a callback, built from
                            signatures: {"chain": [TASK, ...]} | {"chord": [TASK, ...], "body": TASK}
                            | {"group": [TASK, ...]} | {"task": TASK, "link": TASK}, where TASK is
                            a send SPEC, optionally with "link_error": TASK (an errback); prints
                            {"id": the final result's id, "ids": {"link": ...}}; for a chord
                            "ids" also has "group" and "header" (the header tasks' ids in order);
                            a group is saved (GroupResult.save()), "id" is the group id and
                            "ids" has "header" (the members' ids in order)
  compose SPEC [--queue Q] [--timeout S]
                            a canvas built recursively from SPEC, nested to any depth:
                            {"task": NAME, "args", "kwargs", "immutable", "queue"}
                            | {"chain": [SPEC, ...]} | {"group": [SPEC, ...]}
                            | {"chord": {"header": [SPEC, ...], "body": SPEC}}
                            | {"map" | "starmap": {"task": NAME, "items": [...]}}
                            | {"chunks": {"task": NAME, "items": [...], "n": N}} (top level only);
                            every task without a queue goes to Q. Applies it, waits for the final
                            result and prints {"outcome": OUTCOME as get prints it (no id, state, date),
                            "tree": NODE}, NODE = {"id", "kind": "task" | "group", "state", "value" |
                            "exception", "parent": NODE, "members": [NODE, ...]} read after the wait
  group-restore ID [--timeout S]
                            GroupResult.restore(ID) and join() it; prints {"id", "found",
                            "ids": members' ids, "results", "repr", "completed_count"}, or
                            "exception" / {"timeout": true} as get does
  store-state ID STATE META store a state for a task id as a Python task's update_state does
                            (backend.store_result); prints {"stored": true}
  watch SPEC [--timeout S]  subscribes to the task's result channel, sends SPEC (one task),
                            and prints every state published until the task is ready:
                            {"id", "states": [{"status", "result"}, ...]}
"""
import argparse
import json
import os
import sys
import time
import uuid

from celery import Celery

app = Celery(
    "interop_client",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                result_accept_content=["json"])
if os.environ.get("INTEROP_QUEUE_MAX_PRIORITY"):
    # The queues it declares when sending must match the workers' (x-max-priority on RabbitMQ).
    app.conf.task_queue_max_priority = int(os.environ["INTEROP_QUEUE_MAX_PRIORITY"])

READY = {"SUCCESS", "FAILURE", "REVOKED"}

if os.environ.get("INTEROP_TRACEPARENT"):
    from celery.signals import before_task_publish

    @before_task_publish.connect(weak=False)
    def _inject_trace_context(headers=None, **_):
        # What the instrumentation's _trace_before_publish does with the default propagators:
        # inject(headers) on the headers dict Celery is about to publish.
        if headers is not None:
            headers["traceparent"] = os.environ["INTEROP_TRACEPARENT"]
            if os.environ.get("INTEROP_TRACESTATE"):
                headers["tracestate"] = os.environ["INTEROP_TRACESTATE"]


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def send_one(spec, connection):
    options = {}
    for key in ("countdown", "expires", "priority", "queue", "task_id", "soft_time_limit", "time_limit"):
        if spec.get(key) is not None:
            options[key] = spec[key]
    if spec.get("eta_in") is not None:
        from datetime import datetime, timedelta, timezone
        options["eta"] = datetime.now(timezone.utc) + timedelta(seconds=spec["eta_in"])
    result = app.send_task(spec["name"], args=spec.get("args") or [], kwargs=spec.get("kwargs") or {},
                           connection=connection, **options)
    return result.id


def cmd_send(a):
    # @PATH: the specs are in a file (thousands of them do not fit in one argument).
    if a.spec.startswith("@"):
        with open(a.spec[1:]) as f:
            a.spec = f.read()
    spec = json.loads(a.spec)
    specs = spec if isinstance(spec, list) else [spec]
    sent_at = time.time()
    with app.connection_for_write() as connection:
        ids = [send_one(s, connection) for s in specs]
    out({"ids": ids, "sent_at": sent_at})


def strictly_equal(a, b):
    """Equality that also compares types: JSON 4 and 4.0, true and 1 are different values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    return a == b


def outcome(task_id, timeout, expect, r=None):
    from celery.exceptions import TimeoutError as CeleryTimeout
    r = app.AsyncResult(task_id) if r is None else r
    o = {"id": task_id}
    try:
        value = r.get(timeout=timeout, interval=0.05)
        o.update(result=value, repr=repr(value))
        if expect is not None:
            o["matches"] = strictly_equal(value, expect)
    except CeleryTimeout:
        o["timeout"] = True
    except Exception as e:  # the task's failure, as Python rebuilt it
        o["exception"] = {"type": type(e).__name__, "module": type(e).__module__, "message": str(e)}
    if not hasattr(r, "state"):  # a GroupResult: get() is its join()
        return o
    o["state"] = r.state
    o["traceback"] = r.traceback
    done = r.date_done
    o["date_done"] = done.timestamp() if hasattr(done, "timestamp") else done
    return o


def cmd_get(a):
    expect = json.loads(a.expect) if a.expect is not None else None
    out({"results": [outcome(i, a.timeout, expect) for i in a.ids]})


def cmd_state(a):
    r = app.AsyncResult(a.id)
    info = r.info
    if isinstance(info, BaseException):
        info = {"type": type(info).__name__, "message": str(info)}
    out({"id": a.id, "state": r.state, "info": info})


def signature(spec):
    options = {k: spec[k] for k in ("queue", "priority", "countdown", "expires") if spec.get(k) is not None}
    sig = app.signature(spec["name"], args=spec.get("args") or [], kwargs=spec.get("kwargs") or {}, **options)
    if spec.get("link_error") is not None:
        sig.link_error(signature(spec["link_error"]))
    return sig


def cmd_canvas(a):
    from celery import chain, chord
    spec = json.loads(a.spec)
    ids = {}
    if "chain" in spec:
        result = chain(*[signature(s) for s in spec["chain"]]).apply_async()
    elif "chord" in spec:
        result = chord([signature(s) for s in spec["chord"]])(signature(spec["body"]))
        # The header's group id and task ids, in header order (the body's result has the header
        # group as parent).
        if result.parent is not None:
            ids["group"] = result.parent.id
            ids["header"] = [r.id for r in result.parent.results]
    elif "group" in spec:
        from celery import group
        result = group([signature(s) for s in spec["group"]]).apply_async()
        result.save()
        ids["header"] = [r.id for r in result.results]
    else:
        link = signature(spec["link"])
        ids["link"] = link.freeze().id
        result = signature(spec["task"]).apply_async(link=link)
    out({"id": result.id, "ids": ids})


def compose(spec, queue):
    """The canvas SPEC describes (see compose in the module doc), every task routed to queue."""
    from celery import chain, chord, group
    from celery.canvas import xmap, xstarmap
    if "chain" in spec:
        return chain(*[compose(s, queue) for s in spec["chain"]])
    if "group" in spec:
        return group([compose(s, queue) for s in spec["group"]])
    if "chord" in spec:
        return chord([compose(s, queue) for s in spec["chord"]["header"]], compose(spec["chord"]["body"], queue))
    # What Task.map / Task.starmap return for a task this client does not have (add.starmap(...)).
    for kind, cls in (("map", xmap), ("starmap", xstarmap)):
        if kind in spec:
            inner = app.signature(spec[kind]["task"])
            return cls(inner, spec[kind]["items"], app=app).set(queue=spec[kind].get("queue") or queue)
    options = {"queue": spec.get("queue") or queue}
    return app.signature(spec["task"], args=spec.get("args") or [], kwargs=spec.get("kwargs") or {},
                         immutable=bool(spec.get("immutable")), **options)


def describe(result, deadline, depth=0):
    """
    A result and what leads to it, as the client holds it: state and value, parent, members. Every
    task is given until deadline to be ready: get() returns early when it raises a parent's
    failure, while the chord body may still be failing.
    """
    from celery.result import GroupResult
    if result is None or depth > 20:
        return None
    node = {"id": result.id}
    if isinstance(result, GroupResult):
        node["kind"] = "group"
        node["members"] = [describe(m, deadline, depth + 1) for m in result.results]
    else:
        node["kind"] = "task"
        while not result.ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        node["state"] = result.state
        value = result.result
        if isinstance(value, BaseException):
            node["exception"] = {"type": type(value).__name__, "message": str(value)}
        else:
            node["value"] = value
    node["parent"] = describe(result.parent, deadline, depth + 1)
    return node


def cmd_compose(a):
    spec = json.loads(a.spec)
    if "chunks" in spec:
        from celery.canvas import chunks
        c = spec["chunks"]
        sig = chunks(app.signature(c["task"]), [tuple(i) for i in c["items"]], c["n"], app=app)
    else:
        sig = compose(spec, a.queue)
    # map, starmap and chunks apply only the options given to apply_async, not their own (Celery
    # 5.2's _basemap / chunks.apply_async): route them here; chunks' go to every starmap it sends.
    kind = next((k for k in ("map", "starmap", "chunks") if k in spec), None)
    result = sig.apply_async(queue=spec[kind].get("queue") or a.queue) if kind else sig.apply_async()
    deadline = time.monotonic() + a.timeout
    o = outcome(result.id, a.timeout, None, result)
    for key in ("id", "date_done", "traceback", "state"):
        o.pop(key, None)
    out({"outcome": o, "tree": describe(result, deadline)})


def cmd_group_restore(a):
    from celery.exceptions import TimeoutError as CeleryTimeout
    from celery.result import GroupResult
    r = GroupResult.restore(a.id, app=app)
    if r is None:
        out({"id": a.id, "found": False})
        return
    o = {"id": a.id, "found": True, "ids": [m.id for m in r.results]}
    try:
        values = r.join(timeout=a.timeout, interval=0.05)
        o.update(results=values, repr=repr(values))
    except CeleryTimeout:
        o["timeout"] = True
    except Exception as e:  # a member's failure, as Python rebuilt it
        o["exception"] = {"type": type(e).__name__, "module": type(e).__module__, "message": str(e)}
    o["completed_count"] = r.completed_count()
    out(o)


def cmd_store_state(a):
    app.backend.store_result(a.id, json.loads(a.meta), a.state)
    out({"stored": True})


def cmd_watch(a):
    spec = json.loads(a.spec)
    task_id = spec.get("task_id") or str(uuid.uuid4())
    spec["task_id"] = task_id
    backend = app.backend
    pubsub = backend.client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(backend.get_key_for_task(task_id))
    with app.connection_for_write() as connection:
        send_one(spec, connection)
    states, deadline = [], time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is None or message["type"] != "message":
            continue
        meta = backend.decode_result(message["data"])
        result = meta.get("result")
        if isinstance(result, BaseException):
            result = {"type": type(result).__name__, "message": str(result)}
        states.append({"status": meta["status"], "result": result})
        if meta["status"] in READY:
            break
    pubsub.close()
    out({"id": task_id, "states": states})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("send")
    p.add_argument("spec")
    p.set_defaults(run=cmd_send)
    p = sub.add_parser("get")
    p.add_argument("ids", nargs="+")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--expect")
    p.set_defaults(run=cmd_get)
    p = sub.add_parser("state")
    p.add_argument("id")
    p.set_defaults(run=cmd_state)
    p = sub.add_parser("canvas")
    p.add_argument("spec")
    p.set_defaults(run=cmd_canvas)
    p = sub.add_parser("compose")
    p.add_argument("spec")
    p.add_argument("--queue", default="celery")
    p.add_argument("--timeout", type=float, default=20)
    p.set_defaults(run=cmd_compose)
    p = sub.add_parser("group-restore")
    p.add_argument("id")
    p.add_argument("--timeout", type=float, default=20)
    p.set_defaults(run=cmd_group_restore)
    p = sub.add_parser("store-state")
    p.add_argument("id")
    p.add_argument("state")
    p.add_argument("meta")
    p.set_defaults(run=cmd_store_state)
    p = sub.add_parser("watch")
    p.add_argument("spec")
    p.add_argument("--timeout", type=float, default=20)
    p.set_defaults(run=cmd_watch)
    a = parser.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Skip interpreter teardown: result objects may try to unsubscribe from a server that is gone.
    os._exit(0)
