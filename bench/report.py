"""Programme report and projection rebuild over a million statements, on PostgreSQL.

    .venv/bin/python bench/report.py                      # 1,000,000 statements, 20,000 learners
    .venv/bin/python bench/report.py --statements 200000  # quicker
    .venv/bin/python bench/report.py --reuse              # keep the statements of the last run

Builds a fresh database: the example framework and catalogue, a programme of 9 organisations
that uses every feature (vouchers, targets, coverage, cost shares), and statements written with
the store's bulk writer (COPY). Then times `projections rebuild` (the same code as the command)
twice: first on a database where no learner exists yet (it makes them), then again. Then 300
managers per organisation are imported, and every programme-manager API request is timed in
each format through a real `lernspur serve`. Issue #4's targets: a report request in < 200 ms,
a rebuild at >= 20,000 statements/s.

`--reuse` keeps the statements, definitions and token of the previous run on the same database
(learners and derived rows are removed, so the first rebuild is again a first one).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import orjson
from common import ROOT, cpu_reference, fresh_database, machine, percentile, start_server

sys.path.insert(0, str(ROOT))

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
OTHER_VERBS = [
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
]
ORGS = [f"bench-{i:02d}" for i in range(1, 10)]


def programme_file() -> dict:
    return {
        "id": "bench",
        "name": "Benchmark programme",
        "runtime": {"start": "2024-01-01", "end": "2025-12-31"},
        "organisations": [
            {"id": org, "name": org.upper(), "headcount": 4000, "managers": 300} for org in ORGS
        ],
        "framework": "kompetenzmodell-kommunal",
        "eligible": "all",
        "completion": {"verbs": [COMPLETED, PASSED]},
        "targets": {
            "participation_rate": 0.4,
            "target_groups": {
                "manager": {"participation_rate": 0.75},
                "first_time": {"share_of_participants": 0.3},
            },
            "competency_coverage": {"D": 0.6, "F": 0.3, "V": 0.3},
        },
        "vouchers": {"total": 50000, "redeemed_on": LAUNCHED},
        "cost": {"total_eur": 250000, "model": "per_participant"},
    }


def generate(session, org_pks: dict[str, int], courses: list[str], items: list[str], args) -> int:
    from lrs.statement_store.writer import insert_rows

    rng = random.Random(4)
    start = datetime(2023, 7, 1, tzinfo=UTC)
    span = int((datetime(2026, 1, 31, tzinfo=UTC) - start).total_seconds())
    stored = datetime.now(UTC)
    extra = [f"https://lms.example.org/mod/page/view.php?id={i}" for i in range(300)]
    done = 0
    started = time.perf_counter()
    while done < args.statements:
        batch = min(50_000, args.statements - done)
        # Per organisation: the statements, their (agent, related) pairs and related Activities
        per_org: dict[str, tuple[list, list, list]] = {org: ([], [], []) for org in ORGS}
        for _ in range(batch):
            learner = rng.randrange(args.learners)
            org = ORGS[learner % len(ORGS)]
            roll = rng.random()
            if roll < 0.25:
                verb, activity = COMPLETED, rng.choice(courses)
            elif roll < 0.30:
                verb, activity = PASSED, rng.choice(courses)
            elif roll < 0.55:
                verb, activity = LAUNCHED, rng.choice(courses)
            else:
                verb, activity = rng.choice(OTHER_VERBS), rng.choice(extra + courses)
            when = start + timedelta(seconds=rng.randrange(span))
            actor_key = f"account:https://lms.{org}.de|{learner}"
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            body = {
                "id": sid,
                "actor": {"account": {"homePage": f"https://lms.{org}.de", "name": str(learner)}},
                "verb": {"id": verb},
                "object": {"objectType": "Activity", "id": activity},
                "timestamp": when.isoformat(),
                "stored": stored.isoformat(),
            }
            related = []
            if verb == COMPLETED and rng.random() < 0.05:
                uri = rng.choice(items)
                body["context"] = {"contextActivities": {"grouping": [{"id": uri}]}}
                related.append(uri)
            rows, agents, activities = per_org[org]
            rows.append(
                {
                    "org_pk": org_pks[org],
                    "statement_id": sid,
                    "credential_pk": None,
                    "actor_key": actor_key,
                    "verb_iri": verb,
                    "activity_iri": activity,
                    "object_ref": None,
                    "registration": None,
                    "timestamp_at": when,
                    "stored_at": stored,
                    "voided": False,
                    "version": "1.0.0",
                    "body": orjson.dumps(body).decode(),
                }
            )
            agents.append([])  # the actor is the indexed actor_key column, not a side row
            activities.append(related)
        for org, (rows, agents, activities) in per_org.items():
            insert_rows(session, org_pks[org], rows, agents, activities)
        session.commit()
        done += batch
        print(
            f"\r  generated {done:,} statements ({done / (time.perf_counter() - started):,.0f}/s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    return done


PATHS = ("report", "timeseries", "competencies", "organisations/bench-01")
FORMATS = ("json", "csv", "xlsx")
REPORT_TARGET_MS = 200
REBUILD_TARGET = 20_000


def managers_file(org: str, learners: int) -> str:
    """300 of the organisation's learners, marked as managers (`learners import`)."""
    index = ORGS.index(org)
    people = list(range(index, learners, len(ORGS)))[:300]
    lines = [f"https://lms.{org}.de,{n},ja" for n in people]
    return "homepage,name,manager\n" + "\n".join(lines) + "\n"


def time_rebuild(app, label: str, total: int, relevant: int) -> float:
    """Seconds of `projections rebuild` as the command runs it (one transaction, then
    VACUUM ANALYZE); prints the rates."""
    from lrs.db import get_db, session_scope
    from lrs.projections.rebuild import rebuild, vacuum_analyze

    started = time.perf_counter()
    with session_scope(app) as session:
        result = rebuild(session)
    vacuum_analyze(get_db(app).engine)
    elapsed = time.perf_counter() - started
    print(
        f"projections rebuild ({label}): {elapsed:.1f} s = {total / elapsed:,.0f} statements/s "
        f"of the store, {relevant / elapsed:,.0f} relevant statements/s; "
        f"{result.evidence_facts:,} evidence and {result.participation_facts:,} participation "
        "facts"
    )
    return elapsed


def stored_statements(url: str) -> int:
    """Statements already in the database of an earlier run (0 if there is none)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from lrs.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM statements")).scalar() or 0)
    except (OperationalError, ProgrammingError):
        return 0
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database", default="postgresql://postgres@127.0.0.1:5432/lernspur_bench_report"
    )
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the statements of an earlier run"
    )
    args = parser.parse_args()

    import yaml
    from sqlalchemy import select, text

    from lrs import migrate
    from lrs.app import create_app
    from lrs.auth.models import Organisation
    from lrs.catalogue.models import CatalogueCourse
    from lrs.catalogue.services import load_catalogue
    from lrs.competencies.models import FrameworkItem
    from lrs.competencies.services import import_framework, read_framework_file
    from lrs.db import session_scope
    from lrs.demo.seed import EXAMPLES
    from lrs.learners.services import import_learners
    from lrs.programmes.managers import create_manager
    from lrs.programmes.services import load_programme
    from lrs.projections.definitions import load_definitions
    from lrs.projections.rebuild import DERIVED, relevant_count

    reuse = args.reuse and stored_statements(args.database) > 0
    url = args.database if reuse else fresh_database(args.database)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    print(f"machine: {machine()}")
    print(cpu_reference())
    print(f"database: {url}")
    if reuse:
        with session_scope(app) as session:
            derived = ", ".join(t.__tablename__ for t in DERIVED)
            session.execute(text(f"TRUNCATE learner_identifiers, learners, {derived}"))
            total = int(session.scalar(text("SELECT count(*) FROM statements")) or 0)
        print(f"reusing {total:,} statements; learners and derived rows removed")
    else:
        with session_scope(app) as session:
            import_framework(
                session,
                read_framework_file(EXAMPLES / "frameworks" / "kompetenzmodell-kommunal.case.json"),
                "kompetenzmodell-kommunal",
            )
            load_catalogue(session, yaml.safe_load((EXAMPLES / "catalogue.yaml").read_text()))
            load_programme(session, programme_file())
        with session_scope(app) as session:
            org_pks = dict(session.execute(select(Organisation.slug, Organisation.pk)).all())
            courses = list(session.scalars(select(CatalogueCourse.activity_iri)))
            items = [u for u in session.scalars(select(FrameworkItem.uri)) if u]
            total = generate(session, org_pks, courses, items, args)
            session.execute(text("ANALYZE"))
    with session_scope(app) as session:
        token = create_manager(session, "bench", None).token
        relevant = relevant_count(session, sorted(load_definitions(session).relevant_verbs()))
    print(f"{total:,} statements, {args.learners:,} learners, {len(ORGS)} organisations")

    first = time_rebuild(app, "first: makes the learners", total, relevant)
    with session_scope(app) as session:
        org_pks = dict(session.execute(select(Organisation.slug, Organisation.pk)).all())
        for org in ORGS:
            import_learners(session, org_pks[org], managers_file(org, args.learners))
    print(f"imported {300 * len(ORGS):,} managers")
    again = time_rebuild(app, "again", total, relevant)

    timings: dict[tuple[str, str], list[float]] = {}
    server = start_server(url, workers=2, threads=2)
    try:
        for path in PATHS:
            for fmt in FORMATS:
                timings[path, fmt] = request_times(server.url, path, fmt, token, args.requests)
    finally:
        server.stop()

    print()
    print(f"Summary ({total:,} statements; targets: rebuild >= {REBUILD_TARGET:,} statements/s,")
    print(f"every report request p95 < {REPORT_TARGET_MS} ms; {args.requests} requests each):")
    for label, seconds in (("first", first), ("again", again)):
        rate = total / seconds
        print(
            f"  rebuild {label:<5} {rate:>9,.0f} statements/s "
            f"({relevant / seconds:,.0f} relevant/s)  "
            f"{'met' if rate >= REBUILD_TARGET else 'NOT MET'}"
        )
    for (path, fmt), values in timings.items():
        p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
        print(
            f"  GET {path:<24} {fmt:<5} p50 {p50:5.0f} ms  p95 {p95:5.0f} ms  "
            f"max {max(values) * 1000:5.0f} ms  "
            f"{'met' if p95 < REPORT_TARGET_MS else 'NOT MET'}"
        )


def request_times(base: str, path: str, fmt: str, token: str, count: int) -> list[float]:
    """Seconds of `count` requests (after three that warm connections and caches)."""
    timings = []
    for i in range(count + 3):
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            f"{base}/api/v1/programmes/bench/{path}?format={fmt}",
            headers={"Authorization": f"Bearer {token}"},
        )
        begin = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read()
        if i >= 3:
            timings.append(time.perf_counter() - begin)
    if path == "report" and fmt == "json":
        report = orjson.loads(body)
        print(f"  report: participants {report['participants']}, targets {report['targets']}")
    return timings


if __name__ == "__main__":
    main()
