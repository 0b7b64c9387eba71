"""What the platform adapters cost the ingest path, per statement (no server, no database).

    .venv/bin/python bench/adapter_registry.py

Times `adapters.registry.recognise` for ordinary statements (bench/common.py's realistic ones)
and for Moodle and ILIAS statements, and `prepare_statements` for a batch of 100 ordinary
statements (what POST /statements adds before `store_statements` when no adapter speaks).
Best of five runs, in nanoseconds per statement.
"""

from __future__ import annotations

import random
import sys
import timeit
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import machine, realistic_statement  # noqa: E402

from adapters.registry import recognise  # noqa: E402
from lrs.platform_adapters.ingest import prepare_statements  # noqa: E402
from tests.platform_fixtures import statements  # noqa: E402

RUNS = 5


def per_statement(function, count: int, number: int) -> float:
    best = min(timeit.repeat(function, number=number, repeat=RUNS))
    return best / (number * count) * 1e9


def main() -> None:
    rng = random.Random(1)
    ordinary = [realistic_statement(rng) for _ in range(100)]
    cases = {
        "ordinary statement": ordinary[0],
        "Moodle logstore statement": statements("moodle/course_completed")[0],
        "ILIAS cmi5 statement": statements("ilias/cmi5_au_completed")[0],
    }
    print(machine())
    for name, statement in cases.items():
        ns = per_statement(lambda s=statement: recognise(s), 1, 200_000)
        print(f"recognise, {name:28s} {ns:7.0f} ns")
    credential = SimpleNamespace(strip_personal_data=False, org_pk=1)
    ns = per_statement(
        lambda: prepare_statements(None, credential, ordinary, "1.0.3"),  # type: ignore[arg-type]
        len(ordinary),
        2_000,
    )
    print(f"prepare_statements, batch of 100 ordinary  {ns:7.0f} ns per statement")


if __name__ == "__main__":
    main()
