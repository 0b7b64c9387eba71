"""Importing competency frameworks: IMS CASE JSON and Moodle's tool_lpimportcsv CSV."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lrs.competencies.models import FrameworkItem
from lrs.competencies.services import (
    framework_items,
    get_framework,
    import_framework,
    read_framework_file,
    slug_from_path,
)
from lrs.errors import BadRequest
from tests.conftest import EXAMPLES

FRAMEWORKS = EXAMPLES / "frameworks"
CASE = FRAMEWORKS / "kompetenzmodell-kommunal.case.json"
MOODLE = FRAMEWORKS / "kompetenzmodell-kommunal.moodle.csv"


def test_slug_defaults_to_the_file_name_without_extensions():
    assert slug_from_path(CASE) == "kompetenzmodell-kommunal"
    assert slug_from_path(MOODLE) == "kompetenzmodell-kommunal"


@pytest.mark.parametrize("path", [CASE, MOODLE], ids=["case", "moodle"])
def test_example_framework_loads_unchanged_with_four_areas(db_session, path):
    result = import_framework(db_session, read_framework_file(path), "km")
    assert (result.created, result.updated) == (14, 0)
    assert result.areas == ["D", "F", "V", "S"]
    items = {i.code: i for i in framework_items(db_session, get_framework(db_session, "km").pk)}
    assert items["D1"].area_code == "D"
    assert items["D1"].parent_pk == items["D"].pk
    assert items["S2"].area_code == "S"
    assert items["D"].parent_pk is None


def test_case_items_keep_their_uri_and_title(db_session):
    import_framework(db_session, read_framework_file(CASE), "km")
    item = db_session.scalar(select(FrameworkItem).where(FrameworkItem.code == "F3"))
    assert item.title == "Führen auf Distanz"
    assert item.uri.startswith("https://lernspur.de/case/kompetenzmodell-kommunal/CFItems/")


def test_reimport_updates_by_identifier_and_keeps_item_keys(db_session, tmp_path):
    import_framework(db_session, read_framework_file(CASE), "km")
    before = {i.identifier: i.pk for i in db_session.scalars(select(FrameworkItem))}
    package = json.loads(CASE.read_text())
    package["CFItems"][1]["fullStatement"] = "E-Akte und OZG"
    changed = tmp_path / "km.json"
    changed.write_text(json.dumps(package))
    result = import_framework(db_session, read_framework_file(changed), "km")
    assert (result.created, result.updated) == (0, 14)
    after = {i.identifier: i.pk for i in db_session.scalars(select(FrameworkItem))}
    assert after == before
    d1 = db_session.scalar(select(FrameworkItem).where(FrameworkItem.code == "D1"))
    assert d1.title == "E-Akte und OZG"


def test_case_package_without_codes_names_the_field(tmp_path):
    package = json.loads(CASE.read_text())
    del package["CFItems"][2]["humanCodingScheme"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(package))
    with pytest.raises(BadRequest) as caught:
        read_framework_file(path)
    assert caught.value.details[0].path == "CFItems[2].humanCodingScheme"


def test_moodle_csv_without_framework_row_is_refused(tmp_path):
    lines = MOODLE.read_text().splitlines()
    path = tmp_path / "noframework.csv"
    path.write_text("\n".join([lines[0], *lines[2:]]))
    with pytest.raises(BadRequest) as caught:
        read_framework_file(path)
    assert "Is framework" in caught.value.details[0].rule


def test_moodle_csv_with_unknown_parent_is_refused(tmp_path):
    text = MOODLE.read_text() + "X,X1,Unbekannt,,1,,,,0,null,,16,,\n"
    path = tmp_path / "orphan.csv"
    path.write_text(text)
    with pytest.raises(BadRequest) as caught:
        read_framework_file(path)
    assert caught.value.details[0].rule == "unknown item 'X'"
