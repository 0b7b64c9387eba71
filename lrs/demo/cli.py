"""`lernspur demo seed` and `lernspur demo clear` (the `demo` group lives in lrs/cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lrs.cli import app_for_cli, demo, emit

MANAGERS_FILE = Path("var") / "demo-managers.json"


@demo.command("seed")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01, 10),
    help="Size of the generated data relative to the default (a few thousand learners).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def demo_seed(scale: float, as_json: bool) -> None:
    """Load the example framework, catalogue and programmes, and (once) generate demo data."""
    from lrs.db import session_scope
    from lrs.demo.seed import seed
    from lrs.projections import listener  # noqa: F401  (projections kept current)

    app = app_for_cli()
    base = app.config.get("BASE_URL") or "http://127.0.0.1:8000"
    with session_scope(app) as session:
        result = seed(session, base, scale)
    saved = json.loads(MANAGERS_FILE.read_text()) if MANAGERS_FILE.exists() else {}
    if result.seeded or saved.get("database") != app.config["DATABASE_URL"]:
        saved = {
            "database": app.config["DATABASE_URL"],
            "managers": [
                {
                    "programme": m.programme,
                    "email": m.email,
                    "password": m.password,
                    "token": m.token,
                }
                for m in result.managers
            ],
        }
        MANAGERS_FILE.parent.mkdir(parents=True, exist_ok=True)
        MANAGERS_FILE.write_text(json.dumps(saved, indent=2))
        MANAGERS_FILE.chmod(0o600)
    data = {
        "dashboard": f"{base}/programme",
        "seeded": result.seeded,
        "learners": result.learners,
        "statements": result.statements,
        "managers": saved.get("managers", []),
    }
    lines = [
        "Demo data (Beispieldaten, pseudonymous; remove with `lernspur demo clear`):"
        + (
            f" {result.learners} learners, {result.statements} statements generated."
            if result.seeded
            else " present already."
        ),
        "  They belong to the example programmes' organisations (Ludwigshafen, Kreis Steinfurt,"
        " …), not to 'demo': the 'demo' key starts with an empty store of its own.",
        f"Dashboard: {data['dashboard']}  (sign in as a programme manager; the one-time",
        "password must be replaced at first sign-in and is then no longer valid here):",
    ]
    lines += [f"  {m['programme']:<26} {m['email']:<44} {m['password']}" for m in data["managers"]]
    emit(data, as_json, "\n".join(lines))


@demo.command("clear")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def demo_clear(as_json: bool) -> None:
    """Remove the generated demo learners, statements and managers."""
    from lrs.db import session_scope
    from lrs.demo.seed import clear

    app = app_for_cli()
    with session_scope(app) as session:
        removed = clear(session)
    MANAGERS_FILE.unlink(missing_ok=True)
    emit({"statements": removed}, as_json, f"Demo data removed ({removed} statements).")
