"""Catalogue, frameworks and programmes from the database, as the pure mapping's definitions."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lrs.auth.services import authenticated_value, read_with_authentication
from lrs.catalogue.models import CatalogueCourse
from lrs.competencies.models import Framework, FrameworkItem
from lrs.db import first_row
from lrs.programmes.models import Programme, ProgrammeMember
from lrs.statement_store.hooks import StoredBatch
from statements.mapping import Definitions, ProgrammeRules


def load_definitions(session: Session, programme_pks: list[int] | None = None) -> Definitions:
    frameworks: dict[str, int] = dict(session.execute(select(Framework.slug, Framework.pk)).all())
    items_by_code: dict[tuple[int, str], int] = {}
    framework_pk: int | None
    item_by_uri: dict[str, Hashable] = {}
    for pk, framework_pk, code, uri in session.execute(
        select(FrameworkItem.pk, FrameworkItem.framework_pk, FrameworkItem.code, FrameworkItem.uri)
    ):
        items_by_code[(framework_pk, code)] = pk
        if uri:
            item_by_uri[uri] = pk
    course_items: dict[str, tuple[Hashable, ...]] = {}
    all_courses: dict[str, str] = {}
    for slug, iri, framework_slug, codes in session.execute(
        select(
            CatalogueCourse.slug,
            CatalogueCourse.activity_iri,
            CatalogueCourse.framework_slug,
            CatalogueCourse.competencies,
        )
    ):
        all_courses[slug] = iri
        framework_pk = frameworks.get(framework_slug or "")
        if framework_pk is None:
            continue
        mapped = tuple(
            items_by_code[(framework_pk, code)]
            for code in codes or ()
            if (framework_pk, code) in items_by_code
        )
        if mapped:
            course_items[iri] = mapped
    query = select(Programme)
    if programme_pks is not None:
        query = query.where(Programme.pk.in_(programme_pks))
    programmes = list(session.scalars(query.order_by(Programme.pk)))
    members: dict[int, set[Hashable]] = {}
    for programme_pk, org_pk in session.execute(
        select(ProgrammeMember.programme_pk, ProgrammeMember.org_pk)
    ):
        members.setdefault(programme_pk, set()).add(org_pk)
    rules = []
    for programme in programmes:
        definition = programme.definition
        eligible = definition["eligible"]
        iris = (
            frozenset(all_courses.values())
            if eligible == "all"
            else frozenset(all_courses[c] for c in eligible["courses"] if c in all_courses)
        )
        vouchers = definition.get("vouchers") or {}
        rules.append(
            ProgrammeRules(
                key=programme.pk,
                orgs=frozenset(members.get(programme.pk, ())),
                completion_verbs=frozenset(definition["completion"]["verbs"]),
                eligible=iris,
                voucher_verb=vouchers.get("redeemed_on"),
            )
        )
    return Definitions(
        course_items=course_items,
        item_by_uri=item_by_uri,
        programmes=rules,
        catalogue=frozenset(all_courses.values()),
    )


# Definitions change only when an administrator loads a catalogue, framework or programme;
# every stored batch needs them. Cached per process and checked against a version: one text
# column of plain SQL, read with the authentication of writing xAPI requests, else on its own.
# Keyed by the engine itself: hashing its URL rendered the URL anew each time (2 % of a
# single-statement POST).
_cache: dict[Any, tuple[tuple[Any, ...], Definitions]] = {}
_VERSION_SQL = (
    "SELECT coalesce(CAST((SELECT max(updated_at) FROM programmes) AS TEXT), '')"
    " || '/' || (SELECT count(*) FROM programmes)"
    " || '/' || (SELECT count(*) FROM programme_members)"
    " || '/' || coalesce(CAST((SELECT max(updated_at) FROM catalogue_courses) AS TEXT), '')"
    " || '/' || (SELECT count(*) FROM catalogue_courses)"
    " || '/' || coalesce(CAST((SELECT max(updated_at) FROM framework_items) AS TEXT), '')"
    " || '/' || (SELECT count(*) FROM framework_items)"
)
_VERSION = text(_VERSION_SQL)
# An xAPI request reads the version with its authentication, in the same transaction, a
# moment before its statements are stored; other writers (CLI, the Moodle pull) ask here.
read_with_authentication("definitions_version", _VERSION_SQL)


def _version(session: Session) -> tuple[Any, ...]:
    try:
        return (authenticated_value(session, "definitions_version"),)
    except KeyError:
        return tuple(first_row(session, _VERSION, {}))


def current_definitions(session: Session) -> Definitions:
    """`load_definitions`, reused while the definitions in the database stay unchanged."""
    key = session.get_bind().engine
    version = _version(session)
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    definitions = load_definitions(session)
    _cache[key] = (version, definitions)
    return definitions


def definitions_for(session: Session, batch: StoredBatch) -> Definitions:
    """`current_definitions`, asked once per stored batch however many listeners need them."""
    found = batch.shared.get("definitions")
    if found is None:
        found = batch.shared["definitions"] = current_definitions(session)
    return cast(Definitions, found)
