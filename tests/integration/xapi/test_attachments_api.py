"""Attachments in multipart/mixed requests and responses (xAPI 1.0.3 Part 3, 1.5.2)."""

from __future__ import annotations

import hashlib
import json

from tests.integration.xapi.helpers import statement

CERT = b"Teilnahmebescheinigung: E-Akte in der Praxis\n"
SHA = hashlib.sha256(CERT).hexdigest()


def _attachment(**more):
    return {
        "usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
        "display": {"de-DE": "Bescheinigung"},
        "contentType": "text/plain",
        "length": len(CERT),
        "sha2": SHA,
        **more,
    }


def _multipart(statements, parts, boundary="abc123"):
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
        b"\r\n",
    ]
    for sha, data in parts:
        out += [
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary"
            f"\r\nX-Experience-API-Hash: {sha}\r\n\r\n".encode(),
            data,
            b"\r\n",
        ]
    out.append(f"--{boundary}--".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"


def test_statement_with_attachment_roundtrips_through_multipart(xapi):
    """Part 3, 1.5.2: attachments are matched by X-Experience-API-Hash and returned with
    `attachments=true` as multipart/mixed, each attachment once."""
    body, ctype = _multipart(statement(attachments=[_attachment()]), [(SHA, CERT)])
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    assert response.status_code == 200, response.get_json()
    sid = response.get_json()[0]
    fetched = xapi.get("statements", query_string={"statementId": sid, "attachments": "true"})
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    assert fetched.data.count(SHA.encode()) == 2  # once in the statement, once as a part header
    assert CERT in fetched.data


def test_attachment_without_part_or_file_url_is_400(xapi):
    """Part 3, 1.5.2.s3.b5: reject attachments that neither have a fileUrl nor a matching part."""
    body, ctype = _multipart(statement(attachments=[_attachment()]), [])
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "statement.attachments[0].sha2"


def test_part_whose_data_does_not_match_its_hash_is_400(xapi):
    body, ctype = _multipart(statement(attachments=[_attachment()]), [(SHA, b"tampered")])
    response = xapi.post("statements", data=body, headers={"Content-Type": ctype})
    assert response.status_code == 400


def test_attachment_with_file_url_needs_no_part(xapi):
    """Part 3, 1.5.1.s1.b2: application/json with only fileUrl attachments is accepted."""
    stmt = statement(attachments=[_attachment(fileUrl="https://example.org/cert.txt")])
    assert xapi.post("statements", json=stmt).status_code == 200
