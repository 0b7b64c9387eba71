"""Assignment and Grade Services: completions reach the platform's gradebook, come what may."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from sqlalchemy import select

from lrs.auth.services import create_credential
from lrs.db import get_db
from lti_tool.grades import MAX_ATTEMPTS, deliver_due_scores
from lti_tool.models import ScoreJob
from tests.conftest import XapiClient
from tests.e2e.lti.conftest import COMPLETED, errors, form_fields

COURSE = "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"


def _deliver(app, later: timedelta = timedelta(0)):
    return deliver_due_scores(get_db(app).session_factory, True, datetime.now(UTC) + later)


def _complete(tool):
    fields = form_fields(tool.launch().get_data(as_text=True))
    assert tool.post("/lti/course/complete", data=fields).status_code == 200


def _jobs(db_session):
    db_session.expire_all()
    return list(db_session.scalars(select(ScoreJob).order_by(ScoreJob.pk)))


def test_completion_queues_a_score_in_the_same_transaction(tool, registered, db_session):
    _complete(tool)
    [job] = _jobs(db_session)
    assert job.status == "pending"
    assert job.lineitem_url == tool.platform.lineitem_url()
    assert (job.user_id, job.score_given, job.score_maximum) == ("3", 100.0, 100.0)


def test_score_reaches_the_gradebook_with_a_client_credentials_token(
    tool, registered, app, db_session
):
    """LTI AGS 2.0, 3.4 (Score publish service) with an access token from a
    `client_credentials` grant and a `private_key_jwt` client assertion (LTI Security 4.1)."""
    _complete(tool)
    tool.share_keys()
    report = _deliver(app)
    assert report.sent == 1
    [score] = tool.platform.state.scores
    assert score.lineitem.endswith("/mod/lti/services.php/2/lineitems/2/lineitem")
    assert score.content_type == "application/vnd.ims.lis.v1.score+json"
    body = score.body
    assert body["userId"] == "3"
    assert (body["scoreGiven"], body["scoreMaximum"]) == (100, 100)
    assert body["activityProgress"] == "Completed"
    assert body["gradingProgress"] == "FullyGraded"
    completed = next(s for s in _statements(db_session) if s["verb"]["id"] == COMPLETED)
    assert body["timestamp"] == completed["timestamp"]
    [token_request] = tool.platform.state.token_requests
    assert token_request["grant_type"] == "client_credentials"
    assert token_request["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    assertion = jwt.decode(token_request["client_assertion"], options={"verify_signature": False})
    assert assertion["iss"] == assertion["sub"] == tool.platform.state.client_id
    assert assertion["aud"] == tool.platform.token_url
    header = jwt.get_unverified_header(token_request["client_assertion"])
    assert header["alg"] == "RS256"
    assert header["kid"] in {k["kid"] for k in tool.jwks()["keys"]}
    [job] = _jobs(db_session)
    assert (job.status, job.attempts) == ("sent", 1)


def _moodle(client, db_session, org):
    """Moodle's logstore_xapi, with a credential of the organisation."""
    issued = create_credential(db_session, org, ["statements/write"], label="Moodle")
    db_session.commit()
    return XapiClient(client, issued.key, issued.secret, org.slug)


def _statements(db_session):
    from lrs.statement_store.models import Statement

    return [row.body for row in db_session.scalars(select(Statement).order_by(Statement.pk))]


def test_platform_down_then_up_delivers_later(tool, registered, app, db_session):
    """Retries with exponential backoff; the job waits in the database meanwhile."""
    _complete(tool)
    tool.share_keys()
    tool.platform.state.score_failures = 2
    first = _deliver(app)
    assert (first.sent, first.retrying) == (0, 1)
    [job] = _jobs(db_session)
    assert job.status == "pending"
    assert job.attempts == 1
    assert "503" in job.last_error
    first_wait = job.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=20) < first_wait < timedelta(seconds=40)
    assert _deliver(app).sent == 0, "not due yet"
    assert _deliver(app, timedelta(minutes=1)).retrying == 1
    [job] = _jobs(db_session)
    assert job.next_attempt_at - datetime.now(UTC) > first_wait, "backing off"
    assert _deliver(app, timedelta(minutes=5)).sent == 1
    assert len(tool.platform.state.scores) == 1
    assert _jobs(db_session)[0].status == "sent"


def test_token_endpoint_down_is_retried(tool, registered, app, db_session):
    _complete(tool)
    tool.share_keys()
    tool.platform.state.token_status = 503
    assert _deliver(app).retrying == 1
    tool.platform.state.token_status = 200
    assert _deliver(app, timedelta(minutes=1)).sent == 1


def test_platform_holding_a_newer_score_ends_the_job_as_superseded(
    tool, registered, app, db_session
):
    """Moodle refuses a score older than the grade it has with 409 (scores.php)."""
    _complete(tool)
    tool.share_keys()
    item = "/mod/lti/services.php/2/lineitems/2/lineitem"
    tool.platform.state.last_score_time[(item, "3")] = "2999-01-01T00:00:00.000Z"
    report = _deliver(app)
    assert report.superseded == 1
    assert _jobs(db_session)[0].status == "superseded"
    assert _deliver(app, timedelta(hours=1)).superseded == 0


def test_refused_score_fails_and_shows_on_the_admin_record(tool, registered, app, db_session):
    _complete(tool)
    tool.share_keys()
    tool.platform.state.score_failures = 1
    tool.platform.state.score_status = 400
    assert _deliver(app).failed == 1
    assert _jobs(db_session)[0].status == "failed"
    assert errors(db_session)[-1].stage == "score"


def test_a_job_is_given_up_after_the_last_attempt(tool, registered, app, db_session):
    _complete(tool)
    tool.share_keys()
    [job] = _jobs(db_session)
    job.attempts = MAX_ATTEMPTS - 1
    db_session.commit()
    tool.platform.state.score_failures = 1
    assert _deliver(app).failed == 1


def test_a_crashed_workers_job_is_picked_up_again_after_its_lease(
    tool, registered, app, db_session
):
    """Nothing lost if the process stops mid-delivery: the lease runs out, another worker
    sends the job."""
    _complete(tool)
    tool.share_keys()
    [job] = _jobs(db_session)
    job.lease_until = datetime.now(UTC) + timedelta(seconds=60)
    db_session.commit()
    assert _deliver(app).sent == 0, "leased by a (crashed) worker"
    assert _deliver(app, timedelta(minutes=3)).sent == 1


def test_completion_from_any_source_queues_a_score(tool, registered, org, db_session, client):
    """Issue 3: "whatever sent it" — here Moodle's own xAPI output (logstore_xapi names the
    learner {homePage: wwwroot, name: user id}, the same as the LTI identity)."""
    tool.launch()
    moodle = _moodle(client, db_session, org)
    statement = {
        "actor": {"name": "Stu Dent", "account": {"homePage": tool.platform.issuer, "name": "3"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en": "Passed"}},
        "object": {"objectType": "Activity", "id": COURSE},
        "result": {"score": {"scaled": 0.85}, "success": True},
    }
    assert moodle.post("statements", json=statement).status_code == 200
    [job] = _jobs(db_session)
    assert (job.score_given, job.score_maximum) == (85.0, 100.0)
    other_learner = dict(
        statement, actor={"account": {"homePage": tool.platform.issuer, "name": "4"}}
    )
    assert moodle.post("statements", json=other_learner).status_code == 200
    other_course = dict(statement, object={"id": "https://example.org/not-a-course"})
    assert moodle.post("statements", json=other_course).status_code == 200
    assert len(_jobs(db_session)) == 1


def test_the_same_statement_sent_twice_queues_one_score(tool, registered, org, db_session, client):
    tool.launch()
    moodle = _moodle(client, db_session, org)
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": tool.platform.issuer, "name": "3"}},
        "verb": {"id": COMPLETED},
        "object": {"id": COURSE},
    }
    assert moodle.post("statements", json=statement).status_code == 200
    assert moodle.post("statements", json=statement).status_code == 200
    assert len(_jobs(db_session)) == 1


def test_statement_of_another_organisation_queues_nothing(tool, registered, db_session, client):
    tool.launch()
    from lrs.auth.services import create_organisation

    other = create_organisation(db_session, "stadt-b", "Stadt B")
    elsewhere = _moodle(client, db_session, other)
    statement = {
        "actor": {"account": {"homePage": tool.platform.issuer, "name": "3"}},
        "verb": {"id": COMPLETED},
        "object": {"id": COURSE},
    }
    assert elsewhere.post("statements", json=statement).status_code == 200
    assert _jobs(db_session) == []


def test_launch_without_gradebook_service_queues_nothing(tool, registered, db_session):
    html = tool.launch(tool.platform.claims(ags=False)).get_data(as_text=True)
    assert tool.post("/lti/course/complete", data=form_fields(html)).status_code == 200
    assert _jobs(db_session) == []


def test_link_without_line_item_gets_one_created(tool, registered, app, db_session):
    """AGS 2.0, 3.2: with only the line items URL and the lineitem scope the tool finds or
    creates its line item (by resource link and tag) and posts the score there."""
    claims = tool.platform.claims()
    claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"].pop("lineitem")
    html = tool.launch(claims).get_data(as_text=True)
    tool.post("/lti/course/complete", data=form_fields(html))
    tool.share_keys()
    assert _deliver(app).sent == 1
    [item] = tool.platform.state.lineitems
    assert (item["resourceLinkId"], item["tag"], item["scoreMaximum"]) == (
        "1",
        "lernspur-completion",
        100,
    )
    [score] = tool.platform.state.scores
    assert score.lineitem.endswith("/lineitems/100/lineitem")


def test_score_is_sent_right_after_the_response_when_enabled(tool, registered, app, db_session):
    app.config["LTI_DELIVER_AFTER_RESPONSE"] = True
    html = tool.launch().get_data(as_text=True)
    tool.share_keys()
    response = tool.post("/lti/course/complete", data=form_fields(html))
    response.close()
    assert len(tool.platform.state.scores) == 1
    assert _jobs(db_session)[0].status == "sent"


@pytest.fixture
def content_course(db_session, registered):
    from lrs.catalogue.services import course_by_slug

    course_by_slug(db_session, "e-akte-grundlagen").launch_url = "https://content.test/e-akte/"
    db_session.commit()


def _content_launch(tool):
    html = tool.launch().get_data(as_text=True)
    link = re.search(r'id="open-content" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def test_self_reporting_content_completes_the_course_with_its_credential(
    tool, content_course, client, db_session
):
    params = _content_launch(tool)
    assert params["endpoint"] == "https://tool.test/xapi/"
    actor = json.loads(params["actor"])
    assert actor == {
        "objectType": "Agent",
        "account": {"homePage": tool.platform.issuer, "name": "3"},
    }
    statement = {
        "actor": actor,
        "verb": {"id": COMPLETED},
        "object": {"id": params["activity_id"]},
        "result": {"completion": True, "score": {"raw": 7, "min": 0, "max": 10}},
        "context": {"registration": params["registration"]},
    }
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}
    response = client.post("/xapi/statements", json=statement, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    [job] = _jobs(db_session)
    assert (job.score_given, job.score_maximum) == (7.0, 10.0)
    mine = client.get("/xapi/statements", headers=headers)
    assert mine.status_code == 200, "statements/read/mine"


def test_content_credential_cannot_write_about_someone_else(
    tool, content_course, client, db_session
):
    params = _content_launch(tool)
    statement = {
        "actor": {"account": {"homePage": tool.platform.issuer, "name": "4"}},
        "verb": {"id": COMPLETED},
        "object": {"id": params["activity_id"]},
    }
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}
    response = client.post("/xapi/statements", json=statement, headers=headers)
    assert response.status_code == 403
    assert _jobs(db_session) == []


def test_content_credential_expires(tool, content_course, client, db_session):
    from lrs.auth.models import Credential

    params = _content_launch(tool)
    key = base64.b64decode(params["auth"].split()[1]).decode().split(":")[0]
    credential = db_session.scalar(select(Credential).where(Credential.key == key))
    assert credential.scopes == ["statements/write", "statements/read/mine", "state"]
    credential.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.commit()
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}
    assert client.get("/xapi/statements", headers=headers).status_code == 401
