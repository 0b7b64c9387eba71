"""Signed statements: checking the JWS a statement carries as its signature attachment.

xAPI 1.0.3, Part 2, 2.6 "Signed Statements" (2.0, Part 3, 1.2.6 "Statement Signing"): the
signature is a JWS (RFC 7515) in an attachment with usageType `SIGNATURE_USAGE_TYPE` and
contentType `SIGNATURE_CONTENT_TYPE` (2.6.s4.b1). The LRS "MUST reject requests to store
Statements that contain malformed signatures, with 400 Bad Request" (2.6.s5.b1), and to find
out it MUST decode the JWS and load the statement from its payload (s5.b3.b1), check that this
"original Statement is logically equivalent to the received Statement" (s5.b3.b2), verify the
signature against the X.509 certificate if the header includes one (s5.b3.b3), and check the
signature requirements: a JWS Compact Serialization (s4.b2, SHOULD* in 1.0.3, MUST in 2.0),
a payload that is the JSON serialization of the statement (s4.b3), algorithm RS256, RS384 or
RS512 (s4.b4).

What this module deliberately does not do, because the specification places it "outside the
scope" (note under 2.6.s5): trust decisions. The certificate is used to "catch mistakes in the
signature, not as a security measure" - so no chain building, expiry or revocation checks, and no
key fetched from a URL (`x5u`, `jku` headers are ignored: an LRS must not fetch what a client
names). Without `x5c` the signature cannot be verified, and the statement is accepted if
everything else holds.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any, NoReturn

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from statements.equivalence import first_difference
from statements.errors import Problem, StatementInvalid

__all__ = [
    "SIGNATURE_ALGORITHMS",
    "SIGNATURE_CONTENT_TYPE",
    "SIGNATURE_USAGE_TYPE",
    "verify_signed_statement",
]

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"
SIGNATURE_ALGORITHMS: Mapping[str, Any] = {
    "RS256": RSAAlgorithm.SHA256,
    "RS384": RSAAlgorithm.SHA384,
    "RS512": RSAAlgorithm.SHA512,
}

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


def _reject(path: str, rule: str) -> NoReturn:
    raise StatementInvalid([Problem(path, rule)], f"Malformed statement signature: {rule}.")


def _base64url(segment: str) -> bytes:
    """RFC 7515, 2: base64url "with all trailing '=' characters omitted"."""
    if not _BASE64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _json_object(data: bytes) -> dict[str, Any]:
    value = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _certificate_key(x5c: Any, path: str) -> RSAPublicKey:
    """The public key of the first certificate of `x5c` (RFC 7515, 4.1.6: it holds the key)."""
    if not isinstance(x5c, list) or not x5c or not isinstance(x5c[0], str):
        _reject(path, 'JWS header "x5c" must be a non-empty array of base64 DER certificates')
    try:
        # 4.1.6: base64, "not base64url-encoded".
        certificate = x509.load_der_x509_certificate(base64.b64decode(x5c[0], validate=True))
    except (binascii.Error, ValueError):
        _reject(path, 'JWS header "x5c"[0] is not a base64 DER X.509 certificate')
    key = certificate.public_key()
    if not isinstance(key, RSAPublicKey):
        _reject(path, 'the certificate in JWS header "x5c"[0] does not hold an RSA public key')
    return key


def verify_signed_statement(stmt: Mapping[str, Any], jws: bytes, path: str) -> None:
    """Check the JWS of a signature attachment against the statement that carries it.

    `stmt` is the statement as received (with its attachments), `jws` the attachment's content,
    `path` where problems are reported (e.g. "statements[0].attachments[1]"). Returns None if
    the signature is well formed; raises StatementInvalid (-> 400, 2.6.s5.b1) naming the first
    broken requirement otherwise. Checks, in order: Compact Serialization (2.6.s4.b2), a JSON
    object header (RFC 7515, 4), `alg` RS256/RS384/RS512 (s4.b4, so also no "none" and no HMAC),
    no unsupported `crit` extension (RFC 7515, 4.1.11), a JSON statement as payload (s4.b3), the
    signature against `x5c`[0] when present (s5.b3.b3), and equivalence of payload and statement
    (s5.b3.b2) under `statements.equivalence` - which ignores what the LRS may add or change
    (id, stored, authority, version, timestamp) and the attachments, absent from what was signed.
    """
    try:
        token = jws.strip().decode("ascii")
    except UnicodeDecodeError:
        _reject(path, "a JWS in Compact Serialization is ASCII text")
    parts = token.split(".")
    if len(parts) != 3:
        _reject(
            path, "must be a JWS in Compact Serialization (three base64url parts joined by '.')"
        )
    header_part, payload_part, signature_part = parts

    try:
        header = _json_object(_base64url(header_part))
    except ValueError:  # also UnicodeDecodeError and json.JSONDecodeError
        _reject(path, "the JWS header is not a base64url-encoded JSON object")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in SIGNATURE_ALGORITHMS:
        _reject(path, f"the JWS algorithm must be RS256, RS384 or RS512, not {alg!r}")
    if "crit" in header:
        _reject(path, f"the JWS header names critical extensions: {header['crit']!r}")

    try:
        payload = _json_object(_base64url(payload_part))
    except ValueError:
        _reject(path, "the JWS payload must be the JSON serialization of the signed statement")

    try:
        signature = _base64url(signature_part)
    except ValueError:
        _reject(path, "the JWS signature part is not base64url")
    if not signature:
        _reject(path, "the JWS signature part is empty")

    if "x5c" in header:
        key = _certificate_key(header["x5c"], path)
        signing_input = f"{header_part}.{payload_part}".encode("ascii")
        if not RSAAlgorithm(SIGNATURE_ALGORITHMS[alg]).verify(signing_input, key, signature):
            _reject(path, 'the JWS signature does not verify with the certificate in "x5c"[0]')

    difference = first_difference(payload, stmt)
    if difference is not None:
        _reject(
            path, f"the signed statement (JWS payload) differs from the statement at {difference}"
        )
