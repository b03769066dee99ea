"""Python Celery 5.2 on the other side of Celeriac's Redis result backend (docs/protocol.md section 4).

Run with /usr/bin/python3 (python3-celery, python3-redis):

    interop.py <backend-url> <command> [args...]

Every command prints one JSON object on stdout (a waiting command first prints
{"event": "waiting"} once its .get() is about to block). The broker is memory://, so
nothing here needs a broker server; eager mode runs a chord body in this process.
"""
import json
import sys
import types

from celery import Celery
from celery.result import AsyncResult, GroupResult


def make_app(url, eager=False):
    app = Celery("interop", broker="memory://", backend=url)
    # Only for the chord commands: the body then runs here instead of going to a broker.
    app.conf.task_always_eager = eager

    @app.task(name="interop.collect")
    def collect(results):
        # The chord body: report what the join handed over.
        print(json.dumps({"event": "body", "results": results}), flush=True)
        return results

    return app


def describe_exception(exc):
    return {
        "exc_type": type(exc).__name__,
        "exc_module": type(exc).__module__,
        "exc_args": [repr(a) if not isinstance(a, (str, int, float)) else a for a in exc.args],
        "message": str(exc),
    }


def cmd_get(app, task_id, timeout):
    """AsyncResult(id).get(): the value, or the exception as Python rebuilds it."""
    result = AsyncResult(task_id, app=app)
    try:
        value = result.get(timeout=float(timeout))
        return {"state": result.state, "value": value}
    except Exception as exc:  # the rebuilt task exception (or a timeout)
        return {"state": result.state, "raised": describe_exception(exc)}


def cmd_wait(app, task_id, timeout):
    """Like get, but says when it starts waiting, for a publish that must wake it."""
    print(json.dumps({"event": "waiting"}), flush=True)
    return cmd_get(app, task_id, timeout)


def cmd_store_success(app, task_id, value_json):
    app.backend.store_result(task_id, json.loads(value_json), "SUCCESS")
    return {"stored": task_id}


def cmd_store_state(app, task_id, state, meta_json):
    app.backend.store_result(task_id, json.loads(meta_json), state)
    return {"stored": task_id}


def cmd_store_failure(app, task_id, message):
    app.backend.mark_as_failure(task_id, ValueError(message))
    return {"stored": task_id}


def cmd_group_restore(app, group_id):
    restored = GroupResult.restore(group_id, app=app)
    if restored is None:
        return {"restored": None}
    return {"restored": restored.id, "members": [r.id for r in restored.results]}


def cmd_group_save(app, group_id, *task_ids):
    group = GroupResult(group_id, [AsyncResult(t, app=app) for t in task_ids], app=app)
    group.save()
    return {"saved": group_id}


def cmd_chord_part(app, group_id, group_index, task_id, state, value_json):
    """One header part finishing, as the worker's trace calls on_chord_part_return."""
    index = None if group_index == "none" else int(group_index)
    # The body's id is where a ChordError would be stored if a part failed.
    body = app.signature("interop.collect").set(task_id="body-" + group_id)
    request = types.SimpleNamespace(id=task_id, group=group_id, group_index=index, chord=dict(body))
    value = json.loads(value_json)
    if state == "FAILURE":
        value = ValueError(value)
    app.backend.on_chord_part_return(request, state, value)
    return {"added": task_id}


def cmd_chord_size(app, group_id, size):
    app.backend.set_chord_size(group_id, int(size))
    return {"size": int(size)}


COMMANDS = {
    "get": cmd_get,
    "wait": cmd_wait,
    "store-success": cmd_store_success,
    "store-state": cmd_store_state,
    "store-failure": cmd_store_failure,
    "group-restore": cmd_group_restore,
    "group-save": cmd_group_save,
    "chord-part": cmd_chord_part,
    "chord-size": cmd_chord_size,
}


def main(argv):
    url, command, args = argv[1], argv[2], argv[3:]
    app = make_app(url, eager=command.startswith("chord-"))
    print(json.dumps(COMMANDS[command](app, *args)), flush=True)


if __name__ == "__main__":
    main(sys.argv)
