"""Pull mode: course completions read from a Moodle's web services, recorded as statements.

For a Moodle without the logstore plugin (`lernspur adapters moodle pull --platform ID`). What
is called and what becomes a statement is `adapters.moodle.webservice`; this module makes the
calls (lrs.platform_adapters.outbound: public addresses only, unless allowed) and stores what
comes back through the same path as POST /statements (`ingest_statements`), under the site's
own credential. Completions carry ids derived from learner and course, so a second pull
stores nothing new.

`pull_site` yields one result per course, so that the command line can commit after each course
and report progress; a failure later keeps what was recorded before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.moodle import webservice as ws
from adapters.urls import activity_key
from lrs.auth.models import Credential
from lrs.auth.services import Principal, principal_for
from lrs.errors import BadRequest
from lrs.platform_adapters.ingest import ingest_statements
from lrs.platform_adapters.models import ActivityMapping, MoodleSite
from lrs.platform_adapters.outbound import get_json
from lrs.platform_adapters.sealing import unseal
from lrs.statement_store.models import Statement
from statements.errors import Problem
from statements.validation import validate_statements

Fetch = Callable[[str, list[tuple[str, str]], bool], Any]


@dataclass(frozen=True)
class CourseResult:
    course: ws.Course
    learners: int
    completions: int
    new: int
    skipped: str | None = None  # why the course had nothing to read (Moodle's error code)


def _caller(site: MoodleSite, token: str, allow_private: bool, fetch: Fetch) -> Any:
    url = site.root + ws.REST_PATH

    def call(function: str, args: dict[str, Any]) -> Any:
        return ws.check_answer(fetch(url, ws.rest_query(token, function, args), allow_private))

    return call


def _refused(exc: ws.MoodleError, function: str) -> BadRequest:
    return BadRequest(
        f"Moodle refused {function}: {exc.errorcode} ({exc.message}).",
        [
            Problem(
                "platform",
                "the token's service must allow core_course_get_courses, "
                "core_enrol_get_enrolled_users, core_completion_get_course_completion_status and "
                "core_completion_get_activities_completion_status",
            )
        ],
    )


def pull_site(
    session: Session,
    site: MoodleSite,
    secret_key: str,
    allow_private: bool,
    base_url: str,
    fetch: Fetch = get_json,
) -> Iterator[CourseResult]:
    """Read every course's completions and store them; one result per course."""
    if not site.token_sealed:
        raise BadRequest(
            f"Moodle site {site.pk} has no web-service token.",
            [Problem("token", "add the site with --token")],
        )
    call = _caller(site, unseal(site.token_sealed, secret_key), allow_private, fetch)
    stored_credential = session.get(Credential, site.credential_pk)
    assert stored_credential is not None
    credential = principal_for(stored_credential)
    module_prefix = activity_key(site.root) + "/mod/"
    wanted = [
        key
        for key in session.scalars(
            select(ActivityMapping.activity_key).where(ActivityMapping.org_pk == site.org_pk)
        )
        if key.startswith(module_prefix)
    ]
    try:
        courses = ws.courses(call(ws.GET_COURSES, {}))
    except ws.MoodleError as exc:
        raise _refused(exc, ws.GET_COURSES) from None
    for course in courses:
        yield _pull_course(session, site, credential, course, call, wanted, base_url)
    site.last_pulled_at = datetime.now(UTC)
    session.flush()


def _pull_course(
    session: Session,
    site: MoodleSite,
    credential: Principal,
    course: ws.Course,
    call: Callable[[str, dict[str, Any]], Any],
    wanted: list[str],
    base_url: str,
) -> CourseResult:
    options = [{"name": "userfields", "value": "id"}]
    try:
        learners = ws.enrolled_user_ids(
            call(ws.GET_ENROLLED_USERS, {"courseid": course.id, "options": options})
        )
    except ws.MoodleError as exc:
        raise _refused(exc, ws.GET_ENROLLED_USERS) from None
    found: list[dict[str, Any]] = []
    for user_id in learners:
        args = {"courseid": course.id, "userid": user_id}
        try:
            statement = ws.course_completion_statement(
                site.root, course, user_id, call(ws.GET_COURSE_COMPLETION, args)
            )
            if wanted:
                answer = call(ws.GET_ACTIVITIES_COMPLETION, args)
                found += ws.module_completion_statements(site.root, course, user_id, answer, wanted)
        except ws.MoodleError as exc:
            if exc.errorcode in ws.SKIP_COURSE_ERRORS:
                return CourseResult(course, len(learners), 0, 0, skipped=exc.errorcode)
            if exc.errorcode in ws.SKIP_USER_ERRORS:
                continue
            raise _refused(exc, ws.GET_COURSE_COMPLETION) from None
        if statement is not None:
            found.append(statement)
    if not found:
        return CourseResult(course, len(learners), 0, 0)
    ids = [uuid.UUID(str(ws.derive_id(s))) for s in found]
    known = set(
        session.scalars(
            select(Statement.statement_id).where(
                Statement.org_pk == site.org_pk, Statement.statement_id.in_(ids)
            )
        )
    )
    validate_statements(found, "1.0.3")  # built here: a failure is a bug, not Moodle's
    ingest_statements(session, credential, found, "1.0.3", base_url)
    return CourseResult(course, len(learners), len(found), len(set(ids) - known))
