"""How long `validate_statements` takes per statement on a realistic batch.

    .venv/bin/python bench/validate.py [--statements 100] [--rounds 200]

Builds a batch of ~1 KB statements as a Moodle/LTI launch would send them (account actor, verb
with display, Activity with name/description/type, result with score, context with
registration, parent/grouping/category, extensions, timestamp). Statement ids, registrations,
learners and course activities differ per statement; verbs, types and extension keys repeat, as
they do in real traffic. Prints the best and median time per statement over the rounds, for a
warm process (IRIs and language tags seen before) and a cold one (those caches emptied before
every batch).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statements import _valid_iri, _valid_langtag
from statements.validation import validate_statements


def statement(i: int) -> dict[str, Any]:
    course = 4700 + i % 37
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://moodle.stadt-beispiel.de", "name": f"u{10000 + i}"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "de-DE": "abgeschlossen"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"https://moodle.stadt-beispiel.de/course/view.php?id={course}",
            "definition": {
                "name": {"de-DE": f"Digitale Verwaltung, Kurs {course}"},
                "description": {"de-DE": "Grundlagen der E-Akte und des Onlinezugangsgesetzes"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        },
        "result": {
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "duration": "PT1H12M30S",
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {
                "parent": [{"id": f"https://moodle.stadt-beispiel.de/course/view.php?id={course}"}],
                "grouping": [{"id": "https://moodle.stadt-beispiel.de"}],
                "category": [{"id": "https://lernspur.de/xapi/profiles/weiterbildung"}],
            },
            "platform": "Moodle 4.3",
            "language": "de-DE",
            "extensions": {
                "https://lernspur.de/xapi/extensions/organisation": "stadt-beispiel",
                "https://lernspur.de/xapi/extensions/programme": "digital-2026",
            },
        },
        "timestamp": "2026-11-23T09:15:42.123+01:00",
    }


def run(batch: list[dict[str, Any]], rounds: int, cold: bool) -> list[float]:
    per_statement = []
    for _ in range(rounds):
        if cold:
            _valid_iri._known.clear()
            _valid_langtag._known.clear()
        start = time.perf_counter()
        validate_statements(batch, "1.0.3")
        per_statement.append((time.perf_counter() - start) / len(batch) * 1e6)
    return per_statement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    batch = [statement(i) for i in range(args.statements)]
    size = statistics.mean(len(json.dumps(s)) for s in batch)
    run(batch, 20, cold=False)  # warm up
    print(f"{args.statements} statements per batch, {size:.0f} bytes each on average")
    for label, cold in (("warm", False), ("cold", True)):
        times = run(batch, args.rounds, cold)
        print(
            f"{label}: best {min(times):.1f} us/statement, "
            f"median {statistics.median(times):.1f} us/statement"
        )


if __name__ == "__main__":
    main()
