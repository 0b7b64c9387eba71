"""`/xapi/activities/state`, `/xapi/activities/profile`, `/xapi/agents/profile`.

xAPI 1.0.3 Part 3, 2.3 (State), 2.6 (Agent Profile), 2.7 (Activity Profile); 3.1 (concurrency).
"""

from __future__ import annotations

from email.utils import format_datetime

import orjson
from flask import Response, g, request

from lrs import db
from lrs.auth.request import current_credential, require
from lrs.documents.services import (
    DocumentKey,
    Preconditions,
    delete_documents,
    get_document,
    list_ids,
    post_document,
    put_document,
)
from lrs.errors import BadRequest, NotFound
from lrs.xapi import bp
from lrs.xapi.params import (
    json_param,
    one,
    reject_unknown,
    required,
    timestamp_param,
    uuid_param,
)
from statements.errors import Problem
from statements.identifiers import ifi_key
from statements.validation import validate_agent, validate_iri


def _agent_key(name: str = "agent") -> str:
    agent = required(json_param(request.args, name), name)
    validate_agent(agent, f"query.{name}", g.xapi_version)
    key = ifi_key(agent)
    assert key is not None
    return key


def _activity() -> str:
    activity = required(one(request.args, "activityId"), "activityId")
    validate_iri(activity, "query.activityId")
    return str(activity)


def _preconditions() -> Preconditions:
    return Preconditions(request.headers.get("If-Match"), request.headers.get("If-None-Match"))


def _content() -> tuple[bytes, str]:
    return request.get_data(cache=False), request.content_type or "application/octet-stream"


def _document_response(key: DocumentKey, doc_id: str) -> Response:
    doc = get_document(db.session(), key, doc_id)
    if doc is None:
        raise NotFound("No such document.", [Problem("query", "no document under these keys")])
    response = Response(doc.content, status=200, content_type=doc.content_type)
    response.headers["ETag"] = f'"{doc.etag}"'
    response.headers["Last-Modified"] = format_datetime(doc.updated_at, usegmt=True)
    return response


def _ids_response(key: DocumentKey) -> Response:
    since = timestamp_param(request.args, "since")
    ids = list_ids(db.session(), key, since)
    return Response(orjson.dumps(ids), status=200, mimetype="application/json")


def _dispatch(
    key: DocumentKey,
    id_param: str,
    resource: str,
    multi_delete: bool,
    require_precondition: bool,
) -> Response:
    doc_id = one(request.args, id_param)
    session = db.session()
    if request.method in ("GET", "HEAD"):
        require(resource, "read")
        if doc_id is None:
            return _ids_response(key)
        if "since" in request.args:
            raise BadRequest(
                "`since` lists documents; it cannot go with an id.",
                [Problem("query.since", f"not allowed together with {id_param}")],
            )
        return _document_response(key, doc_id)
    require(resource, "write")
    if "since" in request.args:
        raise BadRequest("`since` is only for listing.", [Problem("query.since", "GET only")])
    if request.method == "DELETE":
        if doc_id is None and not multi_delete:
            raise BadRequest(
                f"DELETE needs {id_param}.", [Problem(f"query.{id_param}", "required")]
            )
        delete_documents(session, key, doc_id, _preconditions())
        return Response(status=204)
    doc_id = required(doc_id, id_param)
    content, content_type = _content()
    if request.method == "PUT":
        put_document(
            session, key, doc_id, content, content_type, _preconditions(), require_precondition
        )
    else:
        post_document(session, key, doc_id, content, content_type, _preconditions())
    return Response(status=204)


def _org_pk() -> int:
    return current_credential().org_pk


METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


@bp.route("/activities/state", methods=METHODS)
def state() -> Response:
    """State resource (Part 3, 2.3): documents per activity, agent and registration."""
    reject_unknown(request.args, {"activityId", "agent", "registration", "stateId", "since"})
    org_pk = _org_pk()
    key = DocumentKey(
        org_pk,
        "state",
        activity_iri=_activity(),
        agent_key=_agent_key(),
        registration=uuid_param(request.args, "registration") or "",
    )
    return _dispatch(key, "stateId", "state", multi_delete=True, require_precondition=False)


@bp.route("/activities/profile", methods=METHODS)
def activity_profile() -> Response:
    """Activity Profile resource (Part 3, 2.7)."""
    reject_unknown(request.args, {"activityId", "profileId", "since"})
    key = DocumentKey(_org_pk(), "activity_profile", activity_iri=_activity())
    return _dispatch(key, "profileId", "profile", multi_delete=False, require_precondition=True)


@bp.route("/agents/profile", methods=METHODS)
def agent_profile() -> Response:
    """Agent Profile resource (Part 3, 2.6)."""
    reject_unknown(request.args, {"agent", "profileId", "since"})
    key = DocumentKey(_org_pk(), "agent_profile", agent_key=_agent_key())
    return _dispatch(key, "profileId", "profile", multi_delete=False, require_precondition=True)
