"""The Activities and Agents resources (xAPI 1.0.3 Part 3, 2.4 and 2.5)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, g, request

from lrs import db
from lrs.auth.request import current_credential
from lrs.statement_store.activities import get_activity
from lrs.xapi import bp
from lrs.xapi.params import json_param, one, reject_unknown, required
from statements.validation import validate_agent, validate_iri


@bp.route("/activities", methods=["GET", "HEAD"])
def activities() -> Response:
    """Full Activity object GET (Part 3, 2.5): the LRS's canonical definition."""
    credential = current_credential()
    reject_unknown(request.args, {"activityId"})
    activity_id = required(one(request.args, "activityId"), "activityId")
    validate_iri(activity_id, "query.activityId")
    body = orjson.dumps(get_activity(db.session(), credential.org_pk, activity_id))
    return Response(body, status=200, mimetype="application/json")


def person_of(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for an Agent (Part 3, 2.4): every property as an array."""
    person: dict[str, Any] = {"objectType": "Person"}
    for prop in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if prop in agent:
            person[prop] = [agent[prop]]
    return person


@bp.route("/agents", methods=["GET", "HEAD"])
def agents() -> Response:
    """Combined information GET (Part 3, 2.4): the Person object for an Agent."""
    current_credential()
    reject_unknown(request.args, {"agent"})
    agent = required(json_param(request.args, "agent"), "agent")
    validate_agent(agent, "query.agent", g.xapi_version, allow_group=False)
    return Response(orjson.dumps(person_of(agent)), status=200, mimetype="application/json")
