"""Loading the course catalogue (DESIGN: `lernspur catalogue load`, examples/catalogue.yaml)."""

from __future__ import annotations

import pytest
import yaml

from lrs.catalogue.services import course_by_slug, courses_by_activity, load_catalogue
from lrs.errors import BadRequest
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "catalogue.yaml"


def test_example_catalogue_loads_unchanged(db_session):
    result = load_catalogue(db_session, yaml.safe_load(EXAMPLE.read_text()))
    assert (result.created, result.updated) == (8, 0)
    course = course_by_slug(db_session, "fuehrungskraft-als-weiterbildner")
    assert course is not None
    assert course.title["en"] == "The manager as trainer"
    assert course.competencies == ["F1", "F2"]
    assert course.framework_slug == "kompetenzmodell-kommunal"
    assert float(course.hours) == 16
    by_iri = courses_by_activity(db_session, [course.activity_iri])
    assert by_iri[course.activity_iri].slug == course.slug


def test_reloading_updates_courses_by_id(db_session):
    data = yaml.safe_load(EXAMPLE.read_text())
    load_catalogue(db_session, data)
    data["courses"][0]["title"]["de"] = "E-Akte kompakt"
    result = load_catalogue(db_session, data)
    assert (result.created, result.updated) == (0, 8)
    assert course_by_slug(db_session, data["courses"][0]["id"]).title["de"] == "E-Akte kompakt"


def test_invalid_catalogue_names_the_field_path(db_session):
    data = {"courses": [{"id": "ok", "activity": "not a url", "title": {"de": "x"}}]}
    with pytest.raises(BadRequest) as caught:
        load_catalogue(db_session, data)
    assert [p.path for p in caught.value.details] == ["courses[0].activity"]


def test_duplicate_course_ids_are_refused(db_session):
    course = {"id": "a", "activity": "https://example.org/a", "title": {"de": "A"}}
    with pytest.raises(BadRequest) as caught:
        load_catalogue(db_session, {"courses": [course, dict(course, activity="https://x.org/b")]})
    assert caught.value.details[0].path == "courses"
