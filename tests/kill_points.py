"""Named points inside an operation, where a test program stops and waits to be killed.

The points are the SQL statements the program sends to its working database file, numbered in order: point 12
is "just before the 12th statement runs" (SQLite calls the trace callback as a statement starts). A worker
program calls `watch(db)` before it opens the file and `begin()` as the operation starts (statements before
do not count); with KH_KILL_POINT=N in its environment it prints
{"paused": N, "sql": ...} when it reaches statement N and waits there (reading stdin) for the test to kill it
with Popen.kill(); with KH_KILL_POINTS=list it prints every point it passes, so a test can first learn the
points of an operation and then choose where to kill it. Nothing here patches the program: only the standard
library's sqlite3.connect, in the worker process, so that connections to that one file are traced.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

POINT_ENV = "KH_KILL_POINT"
LIST_ENV = "KH_KILL_POINTS"
_armed = False


def begin() -> None:
    """Count statements from here on: the operation under test starts."""
    global _armed
    _armed = True


def emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def watch(db: str | Path) -> None:
    """Trace the statements sent to `db` (or to any file in it, for a folder) by connections opened from now on
    (in this process)."""
    target = Path(db).resolve()
    folder = target.is_dir()
    pause_at = int(os.environ.get(POINT_ENV) or 0)
    listing = os.environ.get(LIST_ENV) == "list"
    if not pause_at and not listing:
        return
    real_connect = sqlite3.connect
    count = 0

    def on_statement(sql: str) -> None:
        nonlocal count
        if not _armed:
            return
        count += 1
        if listing:
            emit({"point": count, "sql": " ".join(sql.split())[:120]})
        if count == pause_at:
            emit({"paused": count, "sql": " ".join(sql.split())[:120]})
            if sys.stdin.readline().strip() != "go":  # the test kills us here, or says "go" to carry on
                os._exit(70)

    def connect(database, *args, **kwargs):
        conn = real_connect(database, *args, **kwargs)
        path = Path(database).resolve()
        if not kwargs.get("uri") and (path.parent == target if folder else path == target):
            conn.set_trace_callback(on_statement)
        return conn

    sqlite3.connect = connect


def points_of(command: list[str], env: dict, **popen) -> list[dict]:
    """Run a worker to the end with every point listed; the points it passed, in order."""
    result = subprocess.run(
        command, env=dict(env, **{LIST_ENV: "list"}), capture_output=True, text=True, encoding="utf-8", **popen
    )
    assert result.returncode == 0, result.stderr
    return [line for line in map(json.loads, result.stdout.splitlines()) if "point" in line]


def run_to_point(command: list[str], env: dict, point: int, **popen) -> tuple[dict, list[dict]]:
    """Start a worker, wait until it stops at `point`, kill it there. Returns the pause line and the lines
    the worker had printed before it (each complete)."""
    proc, paused, lines = start_to_point(command, env, point, **popen)
    proc.kill()
    proc.communicate()
    assert proc.returncode not in (0, 70), proc.returncode  # killed, not ended
    return paused, lines


def start_to_point(command: list[str], env: dict, point: int, **popen) -> tuple[subprocess.Popen, dict, list]:
    """Start a worker and wait until it stops at `point` (the process is left waiting there)."""
    proc = subprocess.Popen(
        command,
        env=dict(env, **{POINT_ENV: str(point)}),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **popen,
    )
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"the worker ended before point {point}:\n{out}\n{err}")
        payload = json.loads(line)
        if "paused" in payload:
            break
        lines.append(payload)
    assert payload["paused"] == point
    return proc, payload, lines


def resume(proc: subprocess.Popen) -> tuple[str, str]:
    """Let a worker waiting at its point carry on to its end; its remaining output."""
    return proc.communicate("go\n", timeout=120)


def spread(points: list[dict], count: int, always: tuple[str, ...] = ("BEGIN", "COMMIT")) -> list[int]:
    """`count` points evenly spread over the list, plus the first, the last and every transaction boundary."""
    numbers = [p["point"] for p in points]
    chosen = {numbers[0], numbers[-1]}
    chosen |= {p["point"] for p in points if p["sql"].upper().startswith(always)}
    chosen |= {p["point"] + 1 for p in points if p["sql"].upper().startswith("COMMIT") and p["point"] < numbers[-1]}
    step = max(1, len(numbers) // max(1, count))
    chosen |= set(numbers[::step])
    return sorted(chosen)
