"""Shared pieces of the benchmarks: a server to measure, credentials, realistic statements."""

from __future__ import annotations

import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LERNSPUR = str(ROOT / ".venv" / "bin" / "lernspur")
VERBS = [
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
]
COURSES = [f"https://moodle.example.org/course/view.php?id={i}" for i in range(1, 201)]


def cpu_reference() -> str:
    """How fast this machine's CPU is right now: the best of five timings of a fixed Python
    loop. On a shared virtual machine the same loop took 5.5 ms at one hour and 10.8 ms two
    hours later, and every figure of a benchmark moves with it: print it beside them."""
    import timeit

    best = min(timeit.repeat("sum(i * i for i in range(100_000))", number=20, repeat=5)) / 20
    return f"CPU reference: {best * 1000:.1f} ms per loop (sum of 100,000 squares; lower is faster)"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def realistic_statement(rng: random.Random, learner: int | None = None) -> dict[str, Any]:
    """A ~1 KB statement shaped like Moodle's logstore_xapi output."""
    user = learner if learner is not None else rng.randrange(20_000)
    course = rng.choice(COURSES)
    verb = rng.choice(VERBS)
    return {
        "actor": {
            "objectType": "Agent",
            "name": f"Learner {user}",
            "account": {"homePage": "https://moodle.example.org", "name": str(user)},
        },
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[1]}},
        "object": {
            "objectType": "Activity",
            "id": course,
            "definition": {
                "type": "https://w3id.org/xapi/cmi5/activitytype/course",
                "name": {"de": "Kurs " + course.rsplit("=", 1)[1], "en": "Course"},
                "description": {"de": "Ein Kurs der kommunalen Weiterbildung."},
            },
        },
        "result": {
            "score": {
                "scaled": round(rng.random(), 2),
                "raw": rng.randrange(100),
                "min": 0,
                "max": 100,
            },
            "completion": True,
            "success": True,
            "duration": "PT45M",
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "platform": "Moodle",
            "language": "de",
            "contextActivities": {
                "grouping": [{"objectType": "Activity", "id": "https://moodle.example.org"}],
                "category": [
                    {
                        "objectType": "Activity",
                        "id": "http://moodle.org",
                        "definition": {
                            "type": "http://id.tincanapi.com/activitytype/source",
                            "name": {"en": "Moodle"},
                        },
                    }
                ],
            },
            "extensions": {
                "http://lrs.learninglocker.net/define/extensions/info": {
                    "https://moodle.org/": "5.0",
                    "event_name": "\\core\\event\\course_completed",
                },
            },
        },
        "timestamp": "2026-11-23T10:15:00.123+01:00",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def fresh_database(url: str) -> str:
    """Drop and recreate a PostgreSQL database, or remove a SQLite file; returns the URL."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    sys.path.insert(0, str(ROOT))
    from lrs.config import normalise_database_url

    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return url


def start_server(database_url: str, workers: int, threads: int) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "LERNSPUR_DATABASE_URL": database_url,
        "LERNSPUR_SECRET_KEY": "bench-secret",
    }
    subprocess.run([LERNSPUR, "db", "upgrade"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [
            LERNSPUR,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=1):  # noqa: S310
                return Server(url, env, process)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


def credentials(env: dict[str, str], org: str) -> tuple[str, str]:
    subprocess.run(
        [LERNSPUR, "orgs", "create", org, "--name", org], env=env, capture_output=True, check=False
    )
    out = subprocess.run(
        [LERNSPUR, "credentials", "create", "--org", org, "--scope", "all", "--json"],
        env=env,
        capture_output=True,
        check=True,
        text=True,
    )
    data = json.loads(out.stdout)
    return data["key"], data["secret"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
