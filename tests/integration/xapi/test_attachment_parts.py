"""multipart/mixed parts that no statement's attachment names (xAPI 1.0.3 Part 3, 1.5.2).

1.0.3 has no sentence "MUST reject ... a part that does not match an attachment". What it says:
1.5.2.s2.b2.b2 "Each additional part contains the raw data for an Attachment and forms a logical
part of the Statement"; 1.5.2.s1.b4 the LRS "can match the raw data of an Attachment(s) with the
Attachment header by comparing the SHA-2 of the raw data to the SHA-2 declared in the header. It
MUST not do so any other way." The conformance suite makes the rejection explicit: XAPI-00128
"An LRS rejects with error code 400 Bad Request, a PUT or POST Request which has excess
multi-part sections that are not attachments", and XAPI-00132 for a part whose
X-Experience-API-Hash is not "one of those found in a "sha2" property of a Statement in the first
part of this document".
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from lrs.statement_store.models import Attachment
from tests.integration.xapi.helpers import new_id, statement
from tests.integration.xapi.test_attachments_api import CERT, SHA, _attachment, _multipart

STRAY = b"Ein Anhang, den keine Aussage nennt.\n"
STRAY_SHA = hashlib.sha256(STRAY).hexdigest()


def _stored_attachment_hashes(db_session):
    return set(db_session.scalars(select(Attachment.sha2)))


def _assert_stray_part_refused(response):
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["details"] == [
        {
            "path": "attachments",
            "rule": f"part with hash {STRAY_SHA} is not declared by any statement",
        }
    ]


def test_excess_part_beside_a_statement_without_attachments_is_400_and_stores_nothing(
    xapi, db_session
):
    """Suite XAPI-00128 (Part 3, 1.5.2.s2.b2.b2 "Each additional part contains the raw data for
    an Attachment"): a part that is no statement's attachment fails the request."""
    sid = new_id()
    body, ctype = _multipart(statement(id=sid), [(STRAY_SHA, STRAY)])
    _assert_stray_part_refused(xapi.post("statements", data=body, headers={"Content-Type": ctype}))
    assert xapi.get("statements", query_string={"statementId": sid}).status_code == 404
    assert STRAY_SHA not in _stored_attachment_hashes(db_session)


def test_excess_part_beside_a_matched_attachment_is_400_and_stores_nothing(xapi, db_session):
    """Suite XAPI-00132 (Part 3, 1.5.2.s1.b4: parts are matched to attachments "by comparing
    the SHA-2 of the raw data to the SHA-2 declared in the header"): the matching part does not
    excuse the stray one; neither the statements nor either part's data are stored."""
    first, second = new_id(), new_id()
    batch = [statement(id=first, attachments=[_attachment()]), statement(id=second)]
    body, ctype = _multipart(batch, [(SHA, CERT), (STRAY_SHA, STRAY)])
    before = _stored_attachment_hashes(db_session)
    _assert_stray_part_refused(xapi.post("statements", data=body, headers={"Content-Type": ctype}))
    for sid in (first, second):
        assert xapi.get("statements", query_string={"statementId": sid}).status_code == 404
    assert _stored_attachment_hashes(db_session) == before
    assert STRAY_SHA not in before


def test_excess_part_in_a_put_is_400_and_stores_nothing(xapi, db_session):
    """Part 3, 1.5.2.s3.b4-b5 speak of "a PUT or POST with a document type of multipart/mixed";
    suite XAPI-00128 "a PUT or POST Request which has excess multi-part sections"."""
    sid = new_id()
    body, ctype = _multipart(statement(), [(STRAY_SHA, STRAY)])
    response = xapi.put(
        "statements", query_string={"statementId": sid}, data=body, headers={"Content-Type": ctype}
    )
    _assert_stray_part_refused(response)
    assert xapi.get("statements", query_string={"statementId": sid}).status_code == 404
    assert STRAY_SHA not in _stored_attachment_hashes(db_session)


def test_part_for_an_attachment_with_file_url_is_used_not_excess(xapi, db_session):
    """Part 3, 1.5.2.s3.b9: an LRS "SHOULD* accept batches of Statements which contain only
    Attachment Objects with a populated fileUrl" - and a part carrying such an attachment's data
    matches it by hash (1.5.2.s1.b4), so it is no excess part: 200, the data returned."""
    sid = new_id()
    stmt = statement(id=sid, attachments=[_attachment(fileUrl="https://example.org/cert.txt")])
    body, ctype = _multipart(stmt, [(SHA, CERT)])
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    assert response.status_code == 200, response.get_json()
    assert SHA in _stored_attachment_hashes(db_session)
    fetched = xapi.get("statements", query_string={"statementId": sid, "attachments": "true"})
    assert fetched.status_code == 200
    assert CERT in fetched.data
