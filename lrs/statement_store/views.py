"""The Statement resource, `/xapi/statements` (xAPI 1.0.3 Part 3, 2.1; IEEE 9274.1.1, 2.1).

Thin views: parse the request, call one service, write the response.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

import orjson
from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.sansio.utils import get_current_url

from lrs import db
from lrs.auth.request import current_credential, require, with_fresh_credential_on_failure
from lrs.auth.scopes import grants
from lrs.errors import BadRequest, NotFound
from lrs.platform_adapters.ingest import ingest_statements
from lrs.statement_store.activities import canonical_definitions
from lrs.statement_store.models import Attachment
from lrs.statement_store.multipart import build_multipart, parse_multipart
from lrs.statement_store.queries import StatementQuery, find_statements, get_statement
from lrs.statement_store.services import AttachmentPart
from lrs.xapi import bp
from lrs.xapi.params import (
    boolean,
    json_param,
    nonnegative_int,
    one,
    reject_unknown,
    timestamp_param,
    uuid_param,
)
from statements.errors import Problem
from statements.formats import format_statement, parse_accept_language
from statements.identifiers import ifi_key
from statements.timestamps import format_timestamp
from statements.validation import validate_agent, validate_statement, validate_statements

GET_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "attachments", "format"}
FORMATS = ("exact", "ids", "canonical")


def _base_url() -> str:
    return current_app.config.get("BASE_URL") or _host_url(request.scheme, request.host)


@lru_cache(maxsize=64)
def _host_url(scheme: str, host: str) -> str:
    """`request.host_url` without its slash, built once per scheme and host (werkzeug builds
    and IRI-decodes it on every access: 2 % of a single-statement POST)."""
    return get_current_url(scheme, host).rstrip("/")


def _read_body() -> tuple[Any, dict[str, AttachmentPart]]:
    """The request's statements as parsed JSON, and its attachment parts (Part 3, 1.5)."""
    content_type = (request.content_type or "").strip()
    mime = content_type.split(";")[0].strip().lower()
    raw = request.get_data()  # kept: a write may run twice (with_fresh_credential_on_failure)
    parts: dict[str, AttachmentPart] = {}
    if mime == "multipart/mixed":
        multipart = parse_multipart(raw, content_type)
        raw, parts = multipart.statements_json, multipart.parts
    elif mime != "application/json":
        raise BadRequest(
            "Statements are sent as application/json or multipart/mixed.",
            [Problem("headers.Content-Type", "must be application/json or multipart/mixed")],
        )
    try:
        return orjson.loads(raw), parts
    except orjson.JSONDecodeError as exc:
        raise BadRequest(
            "The body is not valid JSON.", [Problem("body", f"must be valid JSON ({exc})")]
        ) from None


def _consistent_through(response: Response) -> Response:
    response.headers["X-Experience-API-Consistent-Through"] = format_timestamp(datetime.now(UTC))
    return response


@bp.after_request
def _statements_headers(response: Response) -> Response:
    # Part 3, 2.1.3: on *all* responses to Statement resource requests.
    if request.endpoint and request.endpoint.endswith(".statements"):
        _consistent_through(response)
    return response


@bp.route("/statements", methods=["GET", "HEAD", "PUT", "POST"])
def statements() -> Response:
    if request.method in ("GET", "HEAD"):
        return _get()
    if request.method == "PUT":
        return _put()
    return _post()


def _put() -> Response:
    """PUT Statements (Part 3, 2.1.1): store one statement under `statementId`; 204."""
    return with_fresh_credential_on_failure(_store_put)


def _store_put() -> Response:
    credential = require("statements", "write", recent=True)
    reject_unknown(request.args, {"statementId"})
    statement_id = uuid_param(request.args, "statementId")
    if statement_id is None:
        raise BadRequest(
            "PUT needs the statementId parameter.", [Problem("query.statementId", "required")]
        )
    payload, parts = _read_body()
    validate_statement(payload, g.xapi_version, path="statement")
    assert isinstance(payload, dict)
    if "id" in payload and str(payload["id"]).lower() != statement_id:
        raise BadRequest(
            "The statement's id differs from statementId.",
            [Problem("statement.id", "must equal the statementId parameter")],
        )
    payload = {**payload, "id": statement_id}
    ingest_statements(
        db.session(),
        credential,
        [payload],
        g.xapi_version,
        _base_url(),
        parts,
        path="statement",
        many=False,
        final=True,
    )
    return Response(status=204)


def _post() -> Response:
    """POST Statements (Part 3, 2.1.2): store one or many; 200 with their ids in order."""
    return with_fresh_credential_on_failure(_store_post)


def _store_post() -> Response:
    credential = require("statements", "write", recent=True)
    reject_unknown(request.args, set())
    payload, parts = _read_body()
    batch = validate_statements(payload, g.xapi_version)
    many = isinstance(payload, list)
    ids = ingest_statements(
        db.session(),
        credential,
        batch,
        g.xapi_version,
        _base_url(),
        parts,
        path="statements" if many else "statement",
        many=many,
        final=True,
    )
    return Response(orjson.dumps(ids), status=200, mimetype="application/json")


def _more_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="xapi-more")


def _read_scope() -> int | None:
    """None if the credential may read every statement, else its pk (`statements/read/mine`)."""
    credential = current_credential()
    if grants(credential.scopes, "statements", "read"):
        return None
    require("statements", "read_mine")
    return credential.pk


def _get() -> Response:
    """GET Statements (Part 3, 2.1.3): one statement, or a StatementResult page."""
    db.read_only_request()
    mine = _read_scope()
    credential = current_credential()
    args: Any = request.args
    reject_unknown(args, GET_PARAMS)
    if "more" in args:
        if len(args) > 1:
            raise BadRequest("`more` stands alone.", [Problem("query", "only `more` is allowed")])
        try:
            state = _more_serializer().loads(one(args, "more") or "")
        except BadSignature:
            raise BadRequest(
                "This `more` link is not valid.",
                [Problem("query.more", "must be a link the LRS gave")],
            ) from None
        if state.pop("org") != credential.org_pk:
            raise NotFound("No such page.", [Problem("query.more", "belongs to another client")])
        output = {"format": state.pop("format"), "attachments": state.pop("attachments")}
        for key in ("since", "until"):
            if state[key] is not None:
                state[key] = datetime.fromisoformat(state[key])
        return _list(StatementQuery(**state, credential_pk=mine), output)
    fmt = one(args, "format") or "exact"
    if fmt not in FORMATS:
        raise BadRequest(
            "Unknown format.", [Problem("query.format", "must be one of exact, ids, canonical")]
        )
    attachments = boolean(args, "attachments")
    if "statementId" in args or "voidedStatementId" in args:
        return _single(args, fmt, attachments, mine)
    agent_key = None
    agent = json_param(args, "agent")
    if agent is not None:
        validate_agent(agent, "query.agent", g.xapi_version)
        agent_key = ifi_key(agent)
    query = StatementQuery(
        agent_key=agent_key,
        verb=one(args, "verb"),
        activity=one(args, "activity"),
        registration=uuid_param(args, "registration"),
        related_activities=boolean(args, "related_activities"),
        related_agents=boolean(args, "related_agents"),
        since=timestamp_param(args, "since"),
        until=timestamp_param(args, "until"),
        limit=nonnegative_int(args, "limit") or 0,
        ascending=boolean(args, "ascending"),
        credential_pk=mine,
    )
    return _list(query, {"format": fmt, "attachments": attachments})


def _render(texts: list[str], fmt: str) -> list[bytes]:
    if fmt == "exact":
        return [t.encode() for t in texts]
    languages = parse_accept_language(request.headers.get("Accept-Language"))
    statements = [orjson.loads(t) for t in texts]
    definitions = (
        canonical_definitions(db.session(), current_credential().org_pk, statements)
        if fmt == "canonical"
        else None
    )
    return [
        orjson.dumps(format_statement(s, fmt, languages, definitions=definitions))
        for s in statements
    ]


def _single(args: Any, fmt: str, attachments: bool, mine: int | None) -> Response:
    if "statementId" in args and "voidedStatementId" in args:
        raise BadRequest(
            "Give statementId or voidedStatementId, not both.",
            [Problem("query", "statementId and voidedStatementId exclude each other")],
        )
    extra = sorted(set(args) - SINGLE_PARAMS)
    if extra:
        raise BadRequest(
            "A single-statement request takes only `attachments` and `format` besides the id.",
            [
                Problem(f"query.{name}", "not allowed with statementId/voidedStatementId")
                for name in extra
            ],
        )
    voided = "voidedStatementId" in args
    name = "voidedStatementId" if voided else "statementId"
    statement_id = uuid_param(args, name)
    assert statement_id is not None
    found = get_statement(db.session(), current_credential().org_pk, statement_id, voided, mine)
    if found is None:
        raise NotFound(
            f"No {'voided ' if voided else ''}statement {statement_id}.",
            [Problem(f"query.{name}", "must name a stored statement")],
        )
    body_text, stored_at = found
    body = _render([body_text], fmt)[0]
    response = _respond(body, [body_text], attachments)
    response.headers["Last-Modified"] = format_datetime(stored_at.astimezone(UTC), usegmt=True)
    return response


def _list(query: StatementQuery, output: dict[str, Any]) -> Response:
    credential = current_credential()
    page = find_statements(db.session(), credential.org_pk, query)
    texts = [row[1] for row in page.rows]
    result = b'{"statements":[' + b",".join(_render(texts, output["format"])) + b"]"
    if page.more:
        state = {k: v for k, v in query.__dict__.items() if k not in ("credential_pk", "after_pk")}
        state.update(output, org=credential.org_pk, after_pk=page.rows[-1][0])
        for key in ("since", "until"):
            if state[key] is not None:
                state[key] = state[key].isoformat()
        token = _more_serializer().dumps(state)
        prefix = request.script_root + request.path
        result += b',"more":' + orjson.dumps(f"{prefix}?more={token}")
    else:
        result += b',"more":""'
    result += b"}"
    response = _respond(result, texts, output["attachments"])
    if page.rows:
        newest = max(row[2] for row in page.rows)
        response.headers["Last-Modified"] = format_datetime(newest.astimezone(UTC), usegmt=True)
    return response


def _respond(body: bytes, texts: list[str], attachments: bool) -> Response:
    if not attachments:
        return Response(body, status=200, mimetype="application/json")
    wanted: list[str] = []
    for text in texts:
        for att in orjson.loads(text).get("attachments") or ():
            if att.get("sha2") and att["sha2"] not in wanted:
                wanted.append(att["sha2"])
    rows = (
        db.session()
        .scalars(
            select(Attachment).where(
                Attachment.org_pk == current_credential().org_pk, Attachment.sha2.in_(wanted)
            )
        )
        .all()
        if wanted
        else []
    )
    by_hash = {row.sha2: row for row in rows}
    parts = [
        AttachmentPart(sha2=h, content_type=by_hash[h].content_type, content=by_hash[h].content)
        for h in wanted
        if h in by_hash
    ]
    payload, content_type = build_multipart(body, parts)
    return Response(payload, status=200, content_type=content_type)
