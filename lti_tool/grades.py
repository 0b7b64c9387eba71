"""Assignment and Grade Services: completions go back to the platform's gradebook.

Queueing: an after-store listener watches every stored batch, whoever sent it (our course page,
self-reporting content, a platform's own xAPI output). A `completed` or `passed` statement on a
catalogue course, by a learner who launched that course through LTI, queues one score per line
item of the learner's launches, in the same transaction as the statement: a statement stored is
a score queued, and nothing is lost if the process stops afterwards.

Delivery (`lernspur lti send-scores`, and right after the response of a request that queued
scores): a worker leases due jobs (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never
wait for each other; a lease column, so no transaction stays open while a platform answers and
a crashed worker's jobs come back), posts each score (LTI AGS 2.0, 3.4 "Score publish
service") with an access token from a `client_credentials` grant, and records the outcome.
A platform that is down or answers 5xx/429 is retried with exponential backoff; 409 means the
platform holds a newer score (Moodle refuses scores older than the grade it has,
ltiservice_gradebookservices/classes/local/resources/scores.php) and ends the job; other 4xx
answers end it as failed, visible on the admin page.
"""

from __future__ import annotations

import hashlib
import logging
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from lrs.catalogue.services import courses_by_activity
from lrs.db import sqlite_write_intent
from lrs.projections.definitions import definitions_for
from lrs.statement_store.hooks import StoredBatch
from lti_tool.connector import PlatformConnector
from lti_tool.deep_linking import LINE_ITEM_TAG, SCORE_MAXIMUM
from lti_tool.errors import record_error
from lti_tool.launch import RESOURCE_LINK
from lti_tool.models import Launch, Platform, ScoreJob
from statements import lti as xapi

logger = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
# 30 s doubling to 6 h: about two days of trying before a job is given up.
MAX_ATTEMPTS = 16
LEASE_SECONDS = 120
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def _target(launch: Launch) -> str:
    where = launch.lineitem_url or f"{launch.lineitems_url}\n{launch.resource_link_id}"
    return hashlib.sha256(where.encode()).hexdigest()


def scores_wanted(
    session: Session, batch: StoredBatch
) -> list[tuple[dict[str, Any], str, str, str]]:
    """The batch's completions of catalogue courses, with the learner's account (homePage,
    name) and the course's Activity id: the statements that may queue scores. Worked out once
    per batch (asked whether the listener acts, then by it)."""
    found: list[tuple[dict[str, Any], str, str, str]] | None = batch.shared.get("lti.scores")
    if found is None:
        found = batch.shared["lti.scores"] = _scores_wanted(session, batch)
    return found


def _scores_wanted(
    session: Session, batch: StoredBatch
) -> list[tuple[dict[str, Any], str, str, str]]:
    wanted: list[tuple[dict[str, Any], str, str, str]] = []
    for statement in batch.statements:
        if statement["verb"]["id"] not in xapi.COMPLETION_VERBS:
            continue
        obj = statement.get("object") or {}
        account = (statement.get("actor") or {}).get("account") or {}
        if obj.get("objectType", "Activity") != "Activity" or not account:
            continue
        wanted.append((statement, str(account["homePage"]), str(account["name"]), obj["id"]))
    if not wanted:
        return []
    # Only catalogue courses are launched through LTI; the cached definitions know them all.
    catalogue = definitions_for(session, batch).catalogue
    return [entry for entry in wanted if entry[3] in catalogue]


def queue_scores(session: Session, batch: StoredBatch) -> int:
    """After-store listener: queue scores for completions of launched courses; how many.

    Listeners see only newly stored statements (never a duplicate), so a statement queues its
    scores once; the unique (statement_id, target) constraint backs that up.
    """
    wanted = scores_wanted(session, batch)
    if not wanted:
        return 0
    courses = courses_by_activity(session, [iri for *_, iri in wanted])
    # One query for the whole batch: the newest launch per gradebook target, per learner
    # (issuer with or without its trailing slash, as the account's homePage may name it).
    launches = session.execute(
        select(Launch, Platform.issuer)
        .join(Platform, Platform.pk == Launch.platform_pk)
        .where(
            Launch.org_pk == batch.org_pk,
            Launch.course_pk.in_({course.pk for course in courses.values()}),
            Launch.sub.in_({name for _, _, name, _ in wanted}),
            Launch.message_type == RESOURCE_LINK,
            or_(Launch.lineitem_url.is_not(None), Launch.lineitems_url.is_not(None)),
        )
        .order_by(Launch.pk.desc())
    )
    latest: dict[tuple[str, str, int], dict[str, Launch]] = {}
    for launch, issuer in launches:
        if SCORE_SCOPE in launch.ags_scopes:
            learner = (issuer.rstrip("/"), launch.sub, cast(int, launch.course_pk))
            latest.setdefault(learner, {}).setdefault(_target(launch), launch)
    queued = 0
    now = datetime.now(UTC)
    for statement, home_page, name, iri in wanted:
        course = courses.get(iri)
        if course is None:
            continue
        targets = latest.get((home_page.rstrip("/"), name, course.pk), {})
        given, maximum = xapi.score_for_gradebook(statement.get("result"), SCORE_MAXIMUM)
        for target, launch in targets.items():
            queued += 1
            session.add(
                ScoreJob(
                    org_pk=launch.org_pk,
                    platform_pk=launch.platform_pk,
                    launch_pk=launch.pk,
                    statement_id=uuid.UUID(statement["id"]),
                    target=target,
                    lineitem_url=launch.lineitem_url,
                    lineitems_url=launch.lineitems_url,
                    resource_link_id=launch.resource_link_id,
                    label=(course.title.get("de") or course.slug)[:255],
                    scopes=list(launch.ags_scopes),
                    user_id=launch.sub,
                    score_given=given,
                    score_maximum=maximum,
                    activity_progress="Completed",
                    grading_progress="FullyGraded",
                    timestamp=statement["timestamp"],
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    session.flush()
    return queued


@dataclass
class DeliveryReport:
    sent: int = 0
    superseded: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "superseded": self.superseded,
            "retrying": self.retrying,
            "failed": self.failed,
        }


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: 30 s, 60 s, 120 s, … up to 6 h."""
    seconds = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - not security


@contextmanager
def writing(factory: sessionmaker[Session]) -> Iterator[Session]:
    token = sqlite_write_intent.set(True)
    try:
        with factory() as session, session.begin():
            yield session
    finally:
        sqlite_write_intent.reset(token)


def _claim(factory: sessionmaker[Session], now: datetime, limit: int) -> list[int]:
    with writing(factory) as session:
        query = (
            select(ScoreJob.pk)
            .where(
                ScoreJob.status == "pending",
                ScoreJob.next_attempt_at <= now,
                or_(ScoreJob.lease_until.is_(None), ScoreJob.lease_until < now),
            )
            .order_by(ScoreJob.pk)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for pk in session.scalars(query).all():
            leased = session.execute(
                update(ScoreJob)
                .where(
                    ScoreJob.pk == pk,
                    ScoreJob.status == "pending",
                    or_(ScoreJob.lease_until.is_(None), ScoreJob.lease_until < now),
                )
                .values(lease_until=now + timedelta(seconds=LEASE_SECONDS))
            )
            if leased.rowcount:  # type: ignore[attr-defined]
                claimed.append(pk)
        return claimed


@dataclass(frozen=True)
class _Outcome:
    status: str  # sent | superseded | retry | failed
    error: str | None = None


def _post_score(job: ScoreJob, connector: PlatformConnector) -> None:
    grade = (
        Grade()
        .set_score_given(job.score_given)
        .set_score_maximum(job.score_maximum)
        .set_timestamp(job.timestamp)
        .set_activity_progress(job.activity_progress)
        .set_grading_progress(job.grading_progress)
        .set_user_id(job.user_id)
    )
    endpoint = {"scope": job.scopes, "lineitem": job.lineitem_url, "lineitems": job.lineitems_url}
    service = AssignmentsGradesService(connector, cast(Any, endpoint))
    if job.lineitem_url:
        service.put_grade(grade)
        return
    # The link has no line item of its own: find ours by resource link and tag, or create it.
    wanted = (
        LineItem()
        .set_score_maximum(SCORE_MAXIMUM)
        .set_label(job.label or "Lernspur")
        .set_tag(LINE_ITEM_TAG)
        .set_resource_link_id(job.resource_link_id or "")
    )
    lineitem = service.find_or_create_lineitem(
        wanted,
        condition=lambda item: (
            item.get("resourceLinkId") == job.resource_link_id and item.get("tag") == LINE_ITEM_TAG
        ),
    )
    service.put_grade(grade, lineitem)


def _send(job: ScoreJob, connector: PlatformConnector) -> _Outcome:
    for attempt in (1, 2):
        try:
            _post_score(job, connector)
            return _Outcome("sent")
        except LtiServiceException as exc:
            status = exc.response.status_code
            if status == 401 and attempt == 1:
                connector.forget_tokens()  # an access token the platform no longer knows
                continue
            if status == 409:
                return _Outcome("superseded", f"HTTP 409: {exc.response.text[:500]}")
            message = f"HTTP {status}: {exc.response.text[:500]}"
            if status in RETRYABLE_STATUS or status == 401:
                return _Outcome("retry", message)
            return _Outcome("failed", message)
        except requests.RequestException as exc:
            return _Outcome("retry", f"{exc.__class__.__name__}: {exc}")
        except LtiException as exc:
            return _Outcome("failed", str(exc))
    return _Outcome("retry", "unauthorised")  # pragma: no cover - loop always returns


def deliver_due_scores(
    factory: sessionmaker[Session],
    allow_private_urls: bool,
    now: datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Send the scores that are due; every outcome is committed job by job."""
    now = now or datetime.now(UTC)
    report = DeliveryReport()
    connectors: dict[int, PlatformConnector] = {}
    for pk in _claim(factory, now, limit):
        with writing(factory) as session:
            job = session.get(ScoreJob, pk)
            assert job is not None
            platform = session.get(Platform, job.platform_pk)
            assert platform is not None
            if platform.pk not in connectors:
                connectors[platform.pk] = PlatformConnector(session, platform, allow_private_urls)
            session.expunge(job)
        outcome = _send(job, connectors[job.platform_pk])
        with writing(factory) as session:
            job = session.get(ScoreJob, pk)
            assert job is not None
            final = _apply(session, job, outcome, now)
        if outcome.error:
            report.errors.append(outcome.error)
        if final == "sent":
            report.sent += 1
        elif final == "superseded":
            report.superseded += 1
        elif final == "failed":
            report.failed += 1
        else:
            report.retrying += 1
    return report


def _apply(session: Session, job: ScoreJob, outcome: _Outcome, now: datetime) -> str:
    """Record one delivery attempt; returns the job's new status."""
    job.attempts += 1
    job.lease_until = None
    job.last_error = outcome.error
    if outcome.status in ("sent", "superseded"):
        job.status = outcome.status
        job.sent_at = datetime.now(UTC)
        return job.status
    if outcome.status == "retry" and job.attempts < MAX_ATTEMPTS:
        job.next_attempt_at = now + backoff(job.attempts)
        logger.info(
            "score %s: attempt %s failed, retrying: %s", job.pk, job.attempts, outcome.error
        )
        return job.status
    job.status = "failed"
    record_error(
        session,
        "score",
        f"Score for user {job.user_id} not delivered after {job.attempts} attempts: "
        f"{outcome.error}",
        org_pk=job.org_pk,
        platform_pk=job.platform_pk,
    )
    return job.status
