"""`/api/statements/aggregate`: Learning Locker's aggregation API, the subset ILIAS uses.

ILIAS derives the URL from its LRS endpoint (`ilCmiXapiLrsType::
getLrsEndpointStatementsAggregationLink`): it strips every path segment of the endpoint and
appends `/api/statements/aggregate` - so `https://lrs.example/xapi` and
`https://lrs.example/data/xAPI` both lead here, at the root of the host. It sends
`GET ...?pipeline=<url-encoded JSON>` with the LRS key and secret as HTTP Basic
(`XapiReport/class.ilCmiXapiAbstractRequest.php`). A POST with the pipeline as JSON body is
accepted too, for pipelines too long for a URL.

Same credentials and scopes as the xAPI: `statements/read` sees the organisation's statements,
`statements/read/mine` only its own; voided statements never take part.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request, stream_with_context

from adapters.ilias.aggregate import PipelineError, parse_pipeline
from lrs import db
from lrs.auth.request import current_credential, require
from lrs.auth.scopes import grants
from lrs.errors import BadRequest
from lrs.platform_adapters.aggregate_sql import encode, run_plan
from statements.errors import Problem

bp = Blueprint("platform_adapters", __name__)


def _pipeline() -> Any:
    if request.method == "POST":
        raw, where = request.get_data(cache=False), "body"
    else:
        if "pipeline" not in request.args:
            raise BadRequest(
                "The pipeline parameter is missing.", [Problem("query.pipeline", "required")]
            )
        raw, where = request.args["pipeline"].encode(), "query.pipeline"
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(
            "The pipeline is not valid JSON.", [Problem(where, f"must be JSON ({exc})")]
        ) from None


@bp.route("/api/statements/aggregate", methods=["GET", "POST"])
def aggregate() -> Response:
    """Run a pipeline (adapters/ilias/aggregate.py) as SQL; answer a JSON array."""
    credential = current_credential()
    mine = None
    if not grants(credential.scopes, "statements", "read"):
        require("statements", "read_mine")
        mine = credential.pk
    try:
        plan = parse_pipeline(_pipeline())
    except PipelineError as exc:
        raise BadRequest(
            "This aggregation pipeline is not supported.", [Problem(exc.path, exc.rule)]
        ) from None
    session = db.session()
    result = run_plan(session, credential.org_pk, mine, plan)
    # Statement lists are read while the response is written; the request's session has been
    # committed by then and is used once more for that, then closed.
    response = Response(stream_with_context(encode(result)), mimetype="application/json")
    response.call_on_close(session.close)
    return response
