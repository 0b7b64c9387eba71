"""The command line of DESIGN.md for frameworks, programmes, learners, managers, projections,
run as an administrator would (in-process through click's runner, on a fresh SQLite database)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from lrs.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "LERNSPUR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LERNSPUR_SECRET_KEY": "cli-test",
    }
    runner = CliRunner()

    def lernspur(*args, check=True):
        result = runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
        if check:
            assert result.exit_code == 0, result.output
        return SimpleNamespace(
            returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr
        )

    lernspur("db", "upgrade")
    return lernspur


def test_an_administrator_sets_up_a_programme_from_the_example_files(run, tmp_path):
    framework = json.loads(
        run(
            "frameworks",
            "import",
            EXAMPLES / "frameworks" / "kompetenzmodell-kommunal.case.json",
            "--json",
        ).stdout
    )
    assert framework == {
        "id": "kompetenzmodell-kommunal",
        "created": 14,
        "updated": 0,
        "areas": ["D", "F", "V", "S"],
    }
    moodle = run(
        "frameworks",
        "import",
        EXAMPLES / "frameworks" / "kompetenzmodell-kommunal.moodle.csv",
        "--id",
        "km-moodle",
    )
    assert "areas D, F, V, S" in moodle.stdout
    run("catalogue", "load", EXAMPLES / "catalogue.yaml")
    for name in ("zukunft-bewegen", "kommunalcampus-vouchers", "nachwuchs-steinfurt"):
        loaded = json.loads(
            run("programmes", "load", EXAMPLES / "programmes" / f"{name}.yaml", "--json").stdout
        )
        assert loaded["id"] == name
    again = run("programmes", "load", EXAMPLES / "programmes" / "zukunft-bewegen.yaml", "--json")
    assert json.loads(again.stdout) == {
        "id": "zukunft-bewegen",
        "created": False,
        "organisations_created": [],
    }
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "homepage,name,manager\nhttps://lms.kommune-01.de,1,ja\nhttps://lms.kommune-01.de,2,nein\n"
    )
    imported = json.loads(run("learners", "import", staff, "--org", "kommune-01", "--json").stdout)
    assert imported == {"rows": 2, "created": 2, "managers": 1}
    manager = json.loads(
        run("managers", "create", "--programme", "zukunft-bewegen", "--json").stdout
    )
    assert set(manager) >= {"token", "password"}
    rebuilt = run("projections", "rebuild", "--json")
    assert json.loads(rebuilt.stdout)["statements"] == 0
    erased = run(
        "learners", "erase", "--homepage", "https://lms.kommune-01.de", "--name", "2", "--json"
    )
    assert json.loads(erased.stdout) == {"statements": 0, "documents": 0}


def test_invalid_programme_file_names_the_field(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nname: X\nruntime: {start: 2024-01-01, end: 2023-01-01}\n")
    result = run("programmes", "load", broken, check=False)
    assert result.returncode != 0
    assert "runtime.end: must not be before start" in result.stderr
    assert "organisations: Missing data for required field." in result.stderr
