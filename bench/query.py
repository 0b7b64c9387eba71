"""Filtered GET latency at scale: GET /xapi/statements?verb=…&activity=… (newest 100).

    .venv/bin/python bench/query.py                          # PostgreSQL, 1,000,000 statements
    .venv/bin/python bench/query.py --database sqlite:///var/bench-query.db
    .venv/bin/python bench/query.py --statements 200000 --requests 300

Fills a fresh database with N statements in SQL (200 courses x 5 verbs, 20,000 learners, one
organisation), starts `lernspur serve` on it, and times filtered GETs over HTTP from one client
connection. Issue #2's target on a 2-core machine: p95 <= 10 ms at 1,000,000 statements.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import random
import time
import urllib.parse

from common import (
    COURSES,
    VERBS,
    cpu_reference,
    credentials,
    fresh_database,
    machine,
    percentile,
    start_server,
)
from sqlalchemy import create_engine, text

from lrs.config import normalise_database_url

POSTGRES_FILL = """
INSERT INTO statements (org_pk, statement_id, credential_pk, actor_key, verb_iri, activity_iri,
                        registration, timestamp_at, stored_at, voided, version, body)
SELECT :org, md5(:salt || g::text)::uuid, :cred,
       'account:https://moodle.example.org|' || (g % 20000),
       (CAST(:verbs AS text[]))[1 + g % 5], (CAST(:courses AS text[]))[1 + (g / 5) % 200],
       md5('r' || (g / 7)::text)::uuid,
       now() - make_interval(secs => :n - g), now() - make_interval(secs => :n - g),
       false, '1.0.0',
       jsonb_build_object(
         'id', md5(:salt || g::text)::uuid,
         'actor', jsonb_build_object('objectType', 'Agent', 'account', jsonb_build_object(
             'homePage', 'https://moodle.example.org', 'name', (g % 20000)::text)),
         'verb', jsonb_build_object('id', (CAST(:verbs AS text[]))[1 + g % 5]),
         'object', jsonb_build_object('objectType', 'Activity',
             'id', (CAST(:courses AS text[]))[1 + (g / 5) % 200],
             'definition', jsonb_build_object('name', jsonb_build_object('de', 'Kurs'))),
         'context', jsonb_build_object('registration', md5('r' || (g / 7)::text)::uuid,
             'platform', 'Moodle'),
         'result', jsonb_build_object('completion', true),
         'timestamp', to_char((now() - make_interval(secs => :n - g)) AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'stored', to_char((now() - make_interval(secs => :n - g)) AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'version', '1.0.0')
FROM generate_series(:start, :stop) AS g
"""

SQLITE_FILL = """
WITH RECURSIVE seq(g) AS (SELECT :start UNION ALL SELECT g + 1 FROM seq WHERE g < :stop)
INSERT INTO statements (org_pk, statement_id, credential_pk, actor_key, verb_iri, activity_iri,
                        registration, timestamp_at, stored_at, voided, version, body)
SELECT :org, lower(hex(randomblob(16))), :cred,
       'account:https://moodle.example.org|' || (g % 20000),
       json_extract(:verbs, '$[' || (g % 5) || ']'),
       json_extract(:courses, '$[' || ((g / 5) % 200) || ']'),
       lower(hex(randomblob(16))),
       datetime('now', '-' || (:n - g) || ' seconds'),
       datetime('now', '-' || (:n - g) || ' seconds'),
       0, '1.0.0',
       json_object(
         'id', lower(hex(randomblob(16))),
         'actor', json_object('objectType', 'Agent', 'account', json_object(
             'homePage', 'https://moodle.example.org', 'name', CAST(g % 20000 AS TEXT))),
         'verb', json_object('id', json_extract(:verbs, '$[' || (g % 5) || ']')),
         'object', json_object('objectType', 'Activity',
             'id', json_extract(:courses, '$[' || ((g / 5) % 200) || ']')),
         'result', json_object('completion', json('true')),
         'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (:n - g) || ' seconds'),
         'stored', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (:n - g) || ' seconds'),
         'version', '1.0.0')
FROM seq
"""


def fill(database_url: str, env: dict[str, str], n: int) -> None:
    key, _secret = credentials(env, "bench")
    engine = create_engine(normalise_database_url(database_url))
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        org = conn.execute(text("SELECT pk FROM organisations WHERE slug = 'bench'")).scalar()
        cred = conn.execute(text("SELECT pk FROM credentials WHERE key = :k"), {"k": key}).scalar()
    chunk = 100_000
    started = time.monotonic()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk) - 1
        params = {"org": org, "cred": cred, "n": n, "start": start, "stop": stop, "salt": "b"}
        if postgres:
            params.update(verbs=VERBS, courses=COURSES)
        else:
            params.update(verbs=json.dumps(VERBS), courses=json.dumps(COURSES))
        with engine.begin() as conn:
            conn.execute(text(POSTGRES_FILL if postgres else SQLITE_FILL), params)
        done = stop + 1
        rate = done / (time.monotonic() - started)
        print(f"\r  filled {done:,}/{n:,} statements ({rate:,.0f}/s)", end="", flush=True)
    print()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def stored_count(database_url: str) -> int | None:
    """How many statements the database holds; None if it or its tables do not exist."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM statements")).scalar_one())
    except Exception:  # any failure means: fill afresh
        return None
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database", default="postgresql://postgres@127.0.0.1:5432/lernspur_bench_query"
    )
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run if it holds --statements statements",
    )
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(cpu_reference())
    print(f"database: {args.database}")
    reuse = args.reuse and stored_count(args.database) == args.statements
    database_url = args.database if reuse else fresh_database(args.database)
    server = start_server(database_url, workers=args.workers, threads=args.threads)
    try:
        if reuse:
            print(f"  reusing the {args.statements:,} statements of an earlier run")
        else:
            fill(database_url, server.env, args.statements)
        key, secret = credentials(server.env, "bench")
        auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        parsed = urllib.parse.urlsplit(server.url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
        rng = random.Random(3)
        timings: list[float] = []
        returned = 0
        for i in range(args.requests + 20):
            query = urllib.parse.urlencode(
                {"verb": rng.choice(VERBS), "activity": rng.choice(COURSES), "limit": 100}
            )
            started = time.perf_counter()
            conn.request("GET", f"/xapi/statements?{query}", headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"{response.status}: {body[:200]!r}")
            if i >= 20:  # the first requests warm caches and connections
                timings.append(elapsed)
                returned += len(json.loads(body)["statements"])
        print(
            f"{args.requests} filtered GETs (verb + activity, newest 100) over "
            f"{args.statements:,} statements: {returned / args.requests:.0f} statements per "
            "response"
        )
        print(
            f"latency p50 {percentile(timings, 50) * 1000:.1f} ms, "
            f"p95 {percentile(timings, 95) * 1000:.1f} ms, "
            f"p99 {percentile(timings, 99) * 1000:.1f} ms"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
