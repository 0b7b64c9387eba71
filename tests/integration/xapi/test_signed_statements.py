"""Signed statements over HTTP (xAPI 1.0.3 Part 2, 2.6; Part 3, 1.5.2).

The JWS is made as in the unit tests of `statements.signature` (their `sign`/`signed` helpers),
and sent as the statement's signature attachment in a multipart/mixed request built by the
attachments tests' `_multipart`.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lrs.statement_store.multipart import parse_multipart
from statements.signature import SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE_TYPE
from tests.integration.xapi.helpers import new_id, statement
from tests.integration.xapi.test_attachments_api import _multipart
from tests.unit.statements.test_signature import _b64url, _self_signed, sign, signed

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
X5C = [_self_signed(KEY)]
PATH = "statement.attachments[0]"


def _signed_request(stmt, jws, part_type=SIGNATURE_CONTENT_TYPE):
    """A multipart/mixed body with `stmt` and `jws` as its one attachment part, the part's
    Content-Type matching the attachment's contentType (Part 3, 1.5.2.s2.b2.b7)."""
    body, ctype = _multipart(stmt, [(hashlib.sha256(jws).hexdigest(), jws)])
    return body.replace(b"Content-Type: text/plain", f"Content-Type: {part_type}".encode()), ctype


def _post(xapi, stmt, jws):
    body, ctype = _signed_request(stmt, jws)
    return xapi.post("statements", data=body, headers={"Content-Type": ctype})


def _only_problem(response, code="invalid_statement"):
    """The one problem of a 400; `code` is "invalid_statement" for a malformed signature,
    "bad_request" for attachments that do not match the request's parts."""
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    (problem,) = error["details"]
    return problem


def _not_stored(xapi, sid):
    response = xapi.get("statements", query_string={"statementId": sid})
    assert response.status_code == 404, f"statement {sid} was stored"


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_statement_signed_with_rs_algorithm_is_stored_and_returned_with_its_signature(
    xapi, algorithm
):
    """Part 2, 2.6.s4.b1: "A Signed Statement MUST include a JSON web signature (JWS) ... as an
    Attachment with a usageType of http://adlnet.gov/expapi/attachments/signature and a
    contentType of application/octet-stream"; s4.b4 "MUST use an algorithm of "RS256", "RS384",
    or "RS512""; Part 3, 1.5.2.s3.b1 "An LRS MUST include Attachments in the Transmission Format
    described above when requested by the Client"."""
    original = statement(id=new_id())
    jws = sign(original, KEY, algorithm, x5c=X5C)
    response = _post(xapi, signed(original, jws), jws)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [original["id"]]

    fetched = xapi.get(
        "statements", query_string={"statementId": original["id"], "attachments": "true"}
    )
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    returned = parse_multipart(fetched.data, fetched.headers["Content-Type"])
    stored = json.loads(returned.statements_json)
    assert stored["id"] == original["id"]
    (attachment,) = stored["attachments"]
    sha2 = hashlib.sha256(jws).hexdigest()
    assert attachment["usageType"] == SIGNATURE_USAGE_TYPE
    assert attachment["contentType"] == SIGNATURE_CONTENT_TYPE
    assert attachment["sha2"] == sha2
    assert list(returned.parts) == [sha2]
    assert returned.parts[sha2].content == jws
    assert returned.parts[sha2].content_type == SIGNATURE_CONTENT_TYPE


def test_signature_without_x5c_is_stored_as_the_suite_sends_it(xapi):
    """Part 2, 2.6.s5.b3.b3 verifies only "If the JWS header includes an X.509 certificate";
    s4.b6 "SHOULD include the "x5c" property" - without it the statement is accepted."""
    original = statement(id=new_id())
    jws = sign(original, KEY)
    response = _post(xapi, signed(original, jws), jws)
    assert response.status_code == 200, response.get_json()
    assert xapi.get("statements", query_string={"statementId": original["id"]}).status_code == 200


def test_signature_whose_payload_differs_from_the_statement_is_400(xapi):
    """Part 2, 2.6.s5.b3.b2: "Validate that the original Statement is logically equivalent to the
    received Statement"; s5.b1 "The LRS MUST reject requests to store Statements that contain
    malformed signatures, with 400 Bad Request"."""
    sid = new_id()
    jws = sign(statement(id=sid), KEY, x5c=X5C)
    received = signed(statement(id=sid, verb="http://adlnet.gov/expapi/verbs/passed"), jws)
    problem = _only_problem(_post(xapi, received, jws))
    assert problem["path"] == PATH
    assert "differs from the statement at verb.id" in problem["rule"]
    _not_stored(xapi, sid)


def test_signature_not_made_by_the_certificates_key_is_400(xapi):
    """Part 2, 2.6.s5.b3.b3: "If the JWS header includes an X.509 certificate, validate the
    signature against that certificate as defined in JWS"."""
    original = statement(id=new_id())
    jws = sign(original, OTHER_KEY, x5c=X5C)
    problem = _only_problem(_post(xapi, signed(original, jws), jws))
    assert problem["path"] == PATH
    assert "does not verify" in problem["rule"]
    _not_stored(xapi, original["id"])


def test_signature_attachment_with_another_content_type_is_400(xapi):
    """Part 2, 2.6.s4.b1: the JWS is an Attachment "with a usageType of
    http://adlnet.gov/expapi/attachments/signature and a contentType of
    application/octet-stream" (suite XAPI-00115 sends "text/plain; charset=ascii")."""
    original = statement(id=new_id())
    jws = sign(original, KEY, x5c=X5C)
    received = signed(original, jws)
    received["attachments"][0]["contentType"] = "text/plain; charset=ascii"
    body, ctype = _signed_request(received, jws, part_type="text/plain; charset=ascii")
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    problem = _only_problem(response, "bad_request")
    assert problem == {
        "path": f"{PATH}.contentType",
        "rule": "must be application/octet-stream for a signature",
    }
    _not_stored(xapi, original["id"])


def test_signature_attachment_without_its_part_is_400(xapi):
    """Part 3, 1.5.2.s3.b5: "an LRS MUST reject batches of Statements having Attachments that
    neither contain a fileUrl nor match a received Attachment part based on their hash"."""
    original = statement(id=new_id())
    jws = sign(original, KEY, x5c=X5C)
    body, ctype = _multipart(signed(original, jws), [])
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    problem = _only_problem(response, "bad_request")
    assert problem["path"] == f"{PATH}.sha2"
    assert "X-Experience-API-Hash" in problem["rule"]
    _not_stored(xapi, original["id"])


def test_signature_attachment_with_only_a_file_url_is_400(xapi):
    """Part 3, 1.5.2.s2.b1: application/json with a fileUrl "for every Attachment EXCEPT for
    Statement results" does not hold for a signature: Part 2, 2.6.s5.b3.b1 the LRS "MUST ...
    Decode the JWS signature", which it cannot without the signature's data."""
    original = statement(id=new_id())
    jws = sign(original, KEY, x5c=X5C)
    received = signed(original, jws)
    received["attachments"][0]["fileUrl"] = "https://example.org/signature.jws"
    problem = _only_problem(xapi.post("statements", json=received), "bad_request")
    assert problem == {"path": PATH, "rule": "signature data must be included"}
    _not_stored(xapi, original["id"])


@pytest.mark.parametrize(
    ("algorithm", "key"),
    [
        ("HS256", b"a shared secret of at least thirty-two bytes"),
        ("HS512", b"k" * 64),
        ("PS256", KEY),  # an RSA key, but RSASSA-PSS: not one of the three
    ],
)
def test_signature_with_an_algorithm_other_than_rs256_rs384_rs512_is_400(xapi, algorithm, key):
    """Part 2, 2.6.s4.b4: "The JWS signature MUST use an algorithm of "RS256", "RS384", or
    "RS512""; s5.b3.b4 the LRS MUST "Validate that the signature requirements outlined above
    have been met" and s5.b1 reject with 400 (suite XAPI-00117 sends HS256)."""
    original = statement(id=new_id())
    jws = sign(original, key, algorithm)
    problem = _only_problem(_post(xapi, signed(original, jws), jws))
    assert problem == {
        "path": PATH,
        "rule": f"the JWS algorithm must be RS256, RS384 or RS512, not '{algorithm}'",
    }
    _not_stored(xapi, original["id"])


def test_unsigned_jws_with_alg_none_is_400(xapi):
    """Part 2, 2.6.s4.b4 again: "none" (RFC 7518, 3.6, an Unsecured JWS) is not "RS256",
    "RS384", or "RS512"."""
    original = statement(id=new_id())
    header = _b64url(json.dumps({"alg": "none"}).encode())
    jws = f"{header}.{_b64url(json.dumps(original).encode())}.".encode()
    problem = _only_problem(_post(xapi, signed(original, jws), jws))
    assert problem == {
        "path": PATH,
        "rule": "the JWS algorithm must be RS256, RS384 or RS512, not 'none'",
    }
    _not_stored(xapi, original["id"])


def test_one_badly_signed_statement_fails_the_whole_batch(xapi):
    """Part 2, 2.6.s5.b1: "reject requests to store Statements that contain malformed
    signatures" - the request, so the well-signed statement beside it is not stored either."""
    good, bad = statement(id=new_id()), statement(id=new_id())
    good_jws = sign(good, KEY, x5c=X5C)
    bad_jws = sign(statement(id=bad["id"], activity="https://example.org/other"), KEY, x5c=X5C)
    parts = [(hashlib.sha256(j).hexdigest(), j) for j in (good_jws, bad_jws)]
    body, ctype = _multipart([signed(good, good_jws), signed(bad, bad_jws)], parts)
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    problem = _only_problem(response)
    assert problem["path"] == "statements[1].attachments[0]"
    assert "differs from the statement at object.id" in problem["rule"]
    _not_stored(xapi, good["id"])
    _not_stored(xapi, bad["id"])
