"""Pull mode against a fake Moodle web service on a real socket (tests/…/fake_moodle.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from adapters.moodle.activities import course_iri, module_iri
from lrs.auth.services import create_organisation
from lrs.catalogue.services import load_catalogue
from lrs.errors import BadRequest
from lrs.platform_adapters.models import StatementRaw
from lrs.platform_adapters.pull import pull_site
from lrs.platform_adapters.sealing import unseal
from lrs.platform_adapters.services import add_moodle_site, map_activity
from lrs.statement_store.models import Statement
from tests.integration.adapters.fake_moodle import TOKEN, FakeMoodle

SECRET = "test-secret-key"
COURSE_IRI = "https://lernspur.de/xapi/activities/course/recon"
MODULE_IRI = "https://lernspur.de/xapi/activities/course/recon-lti"


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    fake = FakeMoodle(
        courses=[
            {"id": 1, "fullname": "Recon Moodle", "format": "site"},
            {"id": 2, "fullname": "Recon Course", "format": "topics", "lang": "de"},
            {"id": 3, "fullname": "No criteria", "format": "topics"},
        ],
        enrolled={2: [3, 4, 5], 3: [3]},
        completion={
            (2, 3): {
                "completed": True,
                "completions": [
                    {"type": 4, "complete": True, "timecompleted": 1795000000},
                    {"type": 2, "complete": True, "timecompleted": 1795100000},
                ],
            },
            (2, 5): {
                "completed": True,
                "completions": [{"type": 1, "complete": True, "timecompleted": 1795200000}],
            },
        },
        activities={
            (2, 3): [
                {"cmid": 1, "modname": "lti", "state": 1, "timecompleted": 1795050000},
                {"cmid": 7, "modname": "quiz", "state": 0, "timecompleted": 0},
            ]
        },
        course_errors={3: "nocriteriaset"},
    )
    with fake:
        yield fake


@pytest.fixture
def site(db_session, moodle):
    org = create_organisation(db_session, "stadt-recon", "Stadt Recon")
    load_catalogue(
        db_session,
        {
            "courses": [
                {"id": "recon", "activity": COURSE_IRI, "title": {"de": "Recon"}},
                {"id": "recon-lti", "activity": MODULE_IRI, "title": {"de": "Recon LTI"}},
            ]
        },
    )
    site = add_moodle_site(db_session, org, moodle.url + "/", TOKEN, SECRET, allow_private=True)
    map_activity(db_session, org, "moodle", course_iri(moodle.url, 2), "recon")
    db_session.flush()
    return site


def _pull(db_session, site, allow_private=True):
    return list(pull_site(db_session, site, SECRET, allow_private, "http://lrs.test"))


def _stored(db_session, site) -> list[dict]:
    db_session.expire_all()
    rows = db_session.scalars(
        select(Statement.body).where(Statement.org_pk == site.org_pk).order_by(Statement.pk)
    )
    return list(rows)


def test_pull_records_each_completed_course_as_a_completed_statement(db_session, site, moodle):
    results = _pull(db_session, site)
    assert [(r.course.id, r.learners, r.completions, r.new, r.skipped) for r in results] == [
        (2, 3, 2, 2, None),
        (3, 1, 0, 0, "nocriteriaset"),
    ]
    stored = sorted(_stored(db_session, site), key=lambda s: s["actor"]["account"]["name"])
    assert [s["actor"]["account"] for s in stored] == [
        {"homePage": moodle.url, "name": "3"},
        {"homePage": moodle.url, "name": "5"},
    ]
    first = stored[0]
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert first["object"]["id"] == course_iri(moodle.url, 2)
    assert first["object"]["definition"]["name"] == {"de": "Recon Course"}
    assert first["timestamp"] == "2026-11-19T14:53:20.000Z"  # the later of its criteria
    assert {"objectType": "Activity", "id": COURSE_IRI} in first["context"]["contextActivities"][
        "other"
    ]
    raws = db_session.scalars(select(StatementRaw.adapter)).all()
    assert raws == ["moodle-webservice", "moodle-webservice"]
    assert site.last_pulled_at is not None


def test_second_pull_records_nothing_new(db_session, site):
    _pull(db_session, site)
    before = db_session.scalar(select(func.count()).select_from(Statement))
    results = _pull(db_session, site)
    assert [r.new for r in results] == [0, 0]
    assert [r.completions for r in results] == [2, 0]
    assert db_session.scalar(select(func.count()).select_from(Statement)) == before


def test_pull_asks_only_for_learner_ids(db_session, site, moodle):
    """core_enrol_get_enrolled_users with the userfields option: no names, no e-mail."""
    _pull(db_session, site)
    enrolled = [c for c in moodle.calls if c["wsfunction"] == "core_enrol_get_enrolled_users"]
    assert enrolled[0]["options[0][name]"] == "userfields"
    assert enrolled[0]["options[0][value]"] == "id"
    assert all(c["moodlewsrestformat"] == "json" for c in moodle.calls)


def test_mapped_module_completions_are_read_too(db_session, site, moodle):
    from lrs.auth.services import get_organisation

    org = get_organisation(db_session, "stadt-recon")
    map_activity(db_session, org, "moodle", module_iri(moodle.url, "lti", 1), "recon-lti")
    results = _pull(db_session, site)
    assert results[0].completions == 3
    modules = [s for s in _stored(db_session, site) if "/mod/" in s["object"]["id"]]
    assert len(modules) == 1
    assert modules[0]["object"]["id"] == module_iri(moodle.url, "lti", 1)
    assert modules[0]["actor"]["account"]["name"] == "3"
    assert {"objectType": "Activity", "id": MODULE_IRI} in modules[0]["context"][
        "contextActivities"
    ]["other"]


def test_private_addresses_are_refused_unless_allowed(db_session, site, moodle):
    """LERNSPUR_ALLOW_PRIVATE_URLS is off by default: 127.0.0.1 is not a platform URL."""
    with pytest.raises(BadRequest) as caught:
        _pull(db_session, site, allow_private=False)
    assert caught.value.details[0].path == "url"
    org = create_organisation(db_session, "other-org", "Other")
    with pytest.raises(BadRequest):
        add_moodle_site(db_session, org, moodle.url, TOKEN, SECRET, allow_private=False)
    assert moodle.calls == []


def test_wrong_token_names_what_moodle_refused(db_session, site, moodle):
    moodle.token = "another-token"
    with pytest.raises(BadRequest) as caught:
        _pull(db_session, site)
    assert "core_course_get_courses: invalidtoken" in caught.value.message


def test_token_is_stored_encrypted(site):
    assert TOKEN not in site.token_sealed
    assert unseal(site.token_sealed, SECRET) == TOKEN
    with pytest.raises(BadRequest):
        unseal(site.token_sealed, "another-secret-key")
