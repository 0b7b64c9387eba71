"""Signed statements: JWS checks against the received statement (statements.signature)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from statements.errors import StatementInvalid
from statements.signature import (
    SIGNATURE_CONTENT_TYPE,
    SIGNATURE_USAGE_TYPE,
    verify_signed_statement,
)

PATH = "statements[0].attachments[0]"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _self_signed(key: Any) -> str:
    """A self-signed certificate for `key`, as an x5c entry: base64 (not base64url) DER."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lernspur test signer")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


@pytest.fixture(scope="module")
def x5c(rsa_key: rsa.RSAPrivateKey) -> list[str]:
    return [_self_signed(rsa_key)]


def statement() -> dict[str, Any]:
    """The suite's default statement (templates/statements/default.json) with an id."""
    return {
        "id": "3e1a7bb6-4c8f-4b0f-9d0e-3a3c9f7a1b21",
        "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended"}},
        "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/1"},
    }


def sign(payload: Any, key: Any, algorithm: str = "RS256", **headers: Any) -> bytes:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return jwt.PyJWS().encode(body, key, algorithm=algorithm, headers=headers or None).encode()


def signed(payload_statement: dict[str, Any], jws: bytes) -> dict[str, Any]:
    """What the client sends: the signed statement plus the attachment describing the JWS, as
    the suite's helper.signStatement builds it."""
    stmt = copy.deepcopy(payload_statement)
    stmt["attachments"] = [
        {
            "usageType": SIGNATURE_USAGE_TYPE,
            "display": {"en-US": "Signed by the Test Suite"},
            "contentType": SIGNATURE_CONTENT_TYPE,
            "length": len(jws),
            "sha2": hashlib.sha256(jws).hexdigest(),
        }
    ]
    return stmt


def rejection(stmt: dict[str, Any], jws: bytes) -> str:
    with pytest.raises(StatementInvalid) as caught:
        verify_signed_statement(stmt, jws, PATH)
    (problem,) = caught.value.problems
    assert problem.path == PATH
    return problem.rule


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_accepts_a_statement_signed_with_an_rsa_algorithm_and_x5c(
    rsa_key: rsa.RSAPrivateKey, x5c: list[str], algorithm: str
) -> None:
    """1.0.3 Part 2, 2.6.s4.b4: "The JWS signature MUST use an algorithm of 'RS256', 'RS384', or
    'RS512'"; s4.b6 the header "SHOULD include the 'x5c' property"; s5.b3.b3 "validate the
    signature against that certificate". Suite XAPI-00117 accepts all three."""
    jws = sign(statement(), rsa_key, algorithm, x5c=x5c)
    verify_signed_statement(signed(statement(), jws), jws, PATH)


def test_accepts_a_signature_without_certificate_as_the_suite_sends_it(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    """2.6.s5.b3.b3 verifies only "If the JWS header includes an X.509 certificate"; the suite's
    helper.signStatement signs with header {"alg": ...} alone and expects 200."""
    jws = sign(statement(), rsa_key)
    verify_signed_statement(signed(statement(), jws), jws, PATH)


def test_accepts_what_the_lrs_adds_to_the_signed_statement(
    rsa_key: rsa.RSAPrivateKey, x5c: list[str]
) -> None:
    """2.6.s4.b3: the payload is "the complete Statement before the signature was added"; the
    comparison ignores what the LRS may assign (1.0.3 Part 2, 2.3.1.b1: id, authority, stored,
    timestamp, version) and the attachments (b6)."""
    original = statement()
    del original["id"]
    jws = sign(original, rsa_key, x5c=x5c)
    received = signed(original, jws)
    received |= {
        "id": "3e1a7bb6-4c8f-4b0f-9d0e-3a3c9f7a1b21",
        "stored": "2024-03-01T10:00:00.000Z",
        "timestamp": "2024-03-01T10:00:00.000Z",
        "authority": {"objectType": "Agent", "mbox": "mailto:lrs@example.com"},
        "version": "1.0.0",
    }
    verify_signed_statement(received, b"\r\n" + jws + b"\r\n", PATH)


def test_accepts_a_duration_more_precise_than_the_signed_one(rsa_key: rsa.RSAPrivateKey) -> None:
    """2.0 Part 3, 1.2.7: "When comparing ... (e.g. as a part of the statement signing process) ...
    any precision beyond 0.01 second precision MUST NOT be included in the comparison" - the 2.0
    suite signs "P1DT12H36M0.12S" and sends "P1DT12H36M0.1237S"."""
    original = statement() | {"result": {"duration": "P1DT12H36M0.12S"}}
    jws = sign(original, rsa_key)
    received = signed(original, jws)
    received["result"]["duration"] = "P1DT12H36M0.1237S"
    verify_signed_statement(received, jws, PATH)


def test_rejects_a_statement_that_differs_from_the_signed_one(rsa_key: rsa.RSAPrivateKey) -> None:
    """2.6.s5.b3.b2: "Validate that the original Statement is logically equivalent to the received
    Statement"; s5.b1 "The LRS MUST reject requests to store Statements that contain malformed
    signatures, with 400 Bad Request"."""
    jws = sign(statement(), rsa_key)
    received = signed(statement(), jws)
    received["verb"]["id"] = "http://adlnet.gov/expapi/verbs/passed"
    assert "verb.id" in rejection(received, jws)


def test_rejects_a_tampered_payload(rsa_key: rsa.RSAPrivateKey, x5c: list[str]) -> None:
    """2.6.s5.b3.b3: "If the JWS header includes an X.509 certificate, validate the signature
    against that certificate as defined in JWS" - a payload changed after signing fails."""
    jws = sign(statement(), rsa_key, x5c=x5c)
    header, _, signature = jws.split(b".")
    tampered_statement = statement() | {"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}
    payload = _b64url(json.dumps(tampered_statement).encode()).encode()
    tampered = b".".join([header, payload, signature])
    assert "does not verify" in rejection(signed(tampered_statement, tampered), tampered)


def test_rejects_a_signature_by_another_key_than_the_certificate_holds(
    other_rsa_key: rsa.RSAPrivateKey, x5c: list[str]
) -> None:
    """2.6.s5.b3.b3: the certificate's key must verify the signature; the note under 2.6.s5: this
    is "a way to catch mistakes in the signature"."""
    jws = sign(statement(), other_rsa_key, x5c=x5c)
    assert "does not verify" in rejection(signed(statement(), jws), jws)


def test_rejects_an_hmac_signature_as_suite_xapi_00117_sends_it() -> None:
    """2.6.s4.b4: RS256, RS384 or RS512 only. The suite signs with "HS256" and expects 400."""
    jws = sign(statement(), b"a shared secret of at least thirty-two bytes", "HS256")
    assert "RS256, RS384 or RS512" in rejection(signed(statement(), jws), jws)


def test_rejects_an_unsigned_jws_with_alg_none() -> None:
    """2.6.s4.b4 again: "none" (RFC 7518, 3.6) is not an allowed algorithm."""
    header = _b64url(json.dumps({"alg": "none"}).encode())
    jws = f"{header}.{_b64url(json.dumps(statement()).encode())}.".encode()
    assert "'none'" in rejection(signed(statement(), jws), jws)


def test_rejects_a_payload_that_is_not_json_as_suite_xapi_00116_sends_it(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    """2.6.s4.b3: "The JWS signature MUST have a payload of a valid JSON serialization of the
    complete Statement". The suite's breakJson replaces the first '"' with "'"."""
    broken = json.dumps(statement()).replace('"', "'", 1).encode()
    jws = sign(broken, rsa_key)
    assert "JSON serialization" in rejection(signed(statement(), jws), jws)


@pytest.mark.parametrize(
    "jws",
    [
        b"",
        b"not a jws",
        b"a.b",
        b"a.b.c.d.e",
        b'{"payload": "e30", "signatures": []}',
        "ä.b.c".encode(),
        b"e30.e30.c2ln",
        b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        b"eyJhbGciOiJSUzI1NiJ9.W10.c2ln",
        b"eyJhbGciOiJSUzI1NiJ9.e30=.c2ln",
        b"eyJhbGciOiJSUzI1NiJ9.e30.",
        b"eyJhbGciOiJSUzI1NiJ9.e30.c2l+",
        b"WzFd.e30.c2ln",
        b"eyJhbGciOlsiUlMyNTYiXX0.e30.c2ln",
    ],
    ids=[
        "empty",
        "text",
        "two-parts",
        "five-parts",
        "json-serialization",
        "non-ascii",
        "no-alg",
        "statement-mismatch",
        "array-payload",
        "padded",
        "empty-signature",
        "base64-not-url",
        "array-header",
        "alg-list",
    ],
)
def test_rejects_malformed_jws(jws: bytes) -> None:
    """2.6.s4.b2: "JWS Compact Serialization SHOULD* be used" (2.0: MUST); RFC 7515, 7.1: three
    base64url parts, the header a JSON object; 2.6.s5.b1: malformed signatures get 400. Suite
    XAPI-00115 "rejects a signed statement with a malformed signature - bad JWS"."""
    rejection(statement(), jws)


def test_rejects_critical_header_extensions(rsa_key: rsa.RSAPrivateKey) -> None:
    """RFC 7515, 4.1.11: a recipient that does not understand a "crit" extension MUST reject."""
    header = _b64url(json.dumps({"alg": "RS256", "crit": ["exp"], "exp": 1}).encode())
    jws = f"{header}.{_b64url(json.dumps(statement()).encode())}.c2ln".encode()
    assert "critical" in rejection(signed(statement(), jws), jws)


@pytest.mark.parametrize(
    ("x5c_value", "expected"),
    [
        ([], "non-empty array"),
        ("MIIB", "non-empty array"),
        (["not base64 !"], "not a base64 DER"),
        ([base64.b64encode(b"not a certificate").decode()], "not a base64 DER"),
    ],
)
def test_rejects_an_unusable_x5c_header(
    rsa_key: rsa.RSAPrivateKey, x5c_value: Any, expected: str
) -> None:
    """RFC 7515, 4.1.6: "x5c" is "a JSON array of certificate value strings", each "base64-encoded
    ... DER"; 2.6.s5.b3.b3 needs a certificate to validate against."""
    jws = sign(statement(), rsa_key, x5c=x5c_value)
    assert expected in rejection(signed(statement(), jws), jws)


def test_rejects_a_certificate_without_an_rsa_key(rsa_key: rsa.RSAPrivateKey) -> None:
    """2.6.s4.b4 allows only RSA algorithms, so the x5c certificate must hold an RSA key."""
    ec_certificate = _self_signed(ec.generate_private_key(ec.SECP256R1()))
    jws = sign(statement(), rsa_key, x5c=[ec_certificate])
    assert "RSA public key" in rejection(signed(statement(), jws), jws)
