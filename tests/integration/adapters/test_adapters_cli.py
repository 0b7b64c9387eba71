"""`lernspur adapters …` on its own database (the live one), as an admin runs it."""

from __future__ import annotations

import uuid

import orjson
import pytest
import yaml
from click.testing import CliRunner

from lrs import app as app_module
from lrs import migrate
from lrs.cli import main
from lrs.db import get_db
from tests.integration.adapters.fake_moodle import TOKEN, FakeMoodle
from tests.integration.adapters.test_moodle_pull import COURSE_IRI


@pytest.fixture
def run(live_database_url, monkeypatch):
    migrate.upgrade(live_database_url)
    monkeypatch.setenv("LERNSPUR_DATABASE_URL", live_database_url)
    monkeypatch.setenv("LERNSPUR_SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("LERNSPUR_ALLOW_PRIVATE_URLS", "1")
    apps = []
    real_create_app = app_module.create_app

    def create_app(*args, **kwargs):
        apps.append(real_create_app(*args, **kwargs))
        return apps[-1]

    monkeypatch.setattr(app_module, "create_app", create_app)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, stderr: bool = False) -> str:
        try:
            result = runner.invoke(main, list(args), catch_exceptions=False)
        finally:
            for app in apps:  # each command builds its app; close its connections
                get_db(app).engine.dispose()
        assert result.exit_code == code, result.output
        assert TOKEN not in result.output
        return result.stderr if stderr else result.stdout if code == 0 else result.output

    return invoke


def test_add_site_map_course_and_pull_twice(run, tmp_path):
    org = f"cli-{uuid.uuid4().hex[:8]}"
    slug = f"recon-{org}"
    catalogue = tmp_path / "catalogue.yaml"
    iri = f"{COURSE_IRI}-{org}"
    catalogue.write_text(
        yaml.safe_dump({"courses": [{"id": slug, "activity": iri, "title": {"de": "Recon"}}]})
    )
    moodle = FakeMoodle(
        courses=[{"id": 2, "fullname": "Recon Course", "format": "topics"}],
        enrolled={2: [3]},
        completion={
            (2, 3): {
                "completed": True,
                "completions": [{"complete": True, "timecompleted": 1795000000}],
            }
        },
    )
    with moodle:
        run("orgs", "create", org, "--name", "CLI Stadt")
        run("catalogue", "load", str(catalogue))
        site = orjson.loads(
            run(
                "adapters",
                "moodle",
                "add-site",
                "--org",
                org,
                "--url",
                moodle.url,
                "--token",
                TOKEN,
                "--json",
            )
        )
        assert site["url"] == moodle.url
        mapped = orjson.loads(
            run(
                "adapters",
                "moodle",
                "map-course",
                "--org",
                org,
                "--moodle-course",
                "2",
                "--course",
                slug,
                "--json",
            )
        )
        assert mapped["platform_activity"] == f"{moodle.url}/course/view.php?id=2"
        assert mapped["activity"] == iri
        first = orjson.loads(
            run("adapters", "moodle", "pull", "--platform", str(site["id"]), "--json")
        )
        assert (first["completions"], first["new"]) == (1, 1)
        again = orjson.loads(
            run("adapters", "moodle", "pull", "--platform", str(site["id"]), "--json")
        )
        assert (again["completions"], again["new"]) == (1, 0)
        listed = orjson.loads(run("adapters", "moodle", "sites", "--org", org, "--json"))
        assert listed[0]["token"] is True
        assert listed[0]["last_pulled_at"]
        assert orjson.loads(run("adapters", "mappings", "--org", org, "--json")) == [
            {"platform": "moodle", "activity": mapped["platform_activity"], "course": slug}
        ]
        progress = run("adapters", "moodle", "pull", "--platform", str(site["id"]), stderr=True)
    assert "course 2 'Recon Course': 1 learners, 1 completed, 0 new" in progress


def test_course_id_needs_a_site_and_bad_urls_are_refused(run):
    org = f"cli-{uuid.uuid4().hex[:8]}"
    run("orgs", "create", org, "--name", "CLI")
    args = ["adapters", "moodle", "map-course", "--org", org, "--course", "x"]
    assert "moodle-course:" in run(*args, "--moodle-course", "7", code=1)
    profile = "https://m.example/user/profile.php?id=3"
    output = run(*args, "--moodle-course", profile, code=1)
    assert "Not a Moodle course or activity URL." in output
