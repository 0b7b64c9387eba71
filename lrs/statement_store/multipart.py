"""multipart/mixed statement requests and responses with attachments (xAPI 1.0.3 Part 3, 1.5.2).

The first part holds the statements (application/json); every further part the raw data of one
attachment, named by its SHA-2 in `X-Experience-API-Hash` and sent `binary`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from lrs.errors import BadRequest
from lrs.statement_store.services import AttachmentPart
from statements.errors import Problem

_HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


@dataclass(frozen=True)
class MultipartStatements:
    statements_json: bytes
    parts: dict[str, AttachmentPart]


def _boundary(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value:
            return value.strip().strip('"')
    raise BadRequest(
        "multipart/mixed needs a boundary.",
        [Problem("headers.Content-Type", "multipart/mixed must carry a boundary parameter")],
    )


def _headers(block: bytes, index: int) -> dict[str, str]:
    headers = {}
    for line in block.split(b"\r\n"):
        if not line.strip():
            continue
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise BadRequest(
                "A multipart part has a malformed header.",
                [Problem(f"body.parts[{index}].headers", "each header must be 'Name: value'")],
            )
        headers[name.strip().lower()] = value.strip()
    return headers


def parse_multipart(body: bytes, content_type: str) -> MultipartStatements:
    """Split a multipart/mixed statement request into its statements and attachment parts."""
    delimiter = b"--" + _boundary(content_type).encode("latin-1")
    chunks = body.split(delimiter)
    # chunks[0] is the preamble; the chunk after the last delimiter starts with "--".
    parts = [c for c in chunks[1:] if not c.startswith(b"--")]
    if not parts:
        raise BadRequest(
            "The multipart body has no parts.",
            [Problem("body", "must contain the statements as its first part")],
        )
    decoded: list[tuple[dict[str, str], bytes]] = []
    for i, chunk in enumerate(parts):
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            if chunk.startswith(b"\r\n"):  # a part without headers
                head, content = b"", chunk[2:]
            else:
                raise BadRequest(
                    "A multipart part has no blank line after its headers.",
                    [Problem(f"body.parts[{i}]", "headers and content are separated by CRLF CRLF")],
                )
        decoded.append((_headers(head, i), content))
    first_headers, first = decoded[0]
    first_type = first_headers.get("content-type", "").split(";")[0].strip().lower()
    if first_type != "application/json":
        raise BadRequest(
            "The first part must hold the statements as application/json.",
            [Problem("body.parts[0].headers.Content-Type", "must be application/json")],
        )
    attachments: dict[str, AttachmentPart] = {}
    for i, (headers, content) in enumerate(decoded[1:], start=1):
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise BadRequest(
                "An attachment part has no X-Experience-API-Hash header.",
                [Problem(f"body.parts[{i}].headers.X-Experience-API-Hash", "required")],
            )
        encoding = headers.get("content-transfer-encoding", "binary").lower()
        if encoding != "binary":
            raise BadRequest(
                "Attachment parts must be sent binary.",
                [Problem(f"body.parts[{i}].headers.Content-Transfer-Encoding", "must be binary")],
            )
        algorithm = _HASHES.get(len(sha2))
        if algorithm is None or algorithm(content).hexdigest() != sha2.lower():
            raise BadRequest(
                "An attachment part's data does not match its hash.",
                [
                    Problem(
                        f"body.parts[{i}].headers.X-Experience-API-Hash",
                        "must be the SHA-256, SHA-384 or SHA-512 of the part's content",
                    )
                ],
            )
        attachments[sha2] = AttachmentPart(
            sha2=sha2,
            content_type=headers.get("content-type", "application/octet-stream"),
            content=content,
        )
    return MultipartStatements(statements_json=first, parts=attachments)


def build_multipart(first: bytes, parts: Iterable[AttachmentPart]) -> tuple[bytes, str]:
    """A multipart/mixed response body: the statement result, then each attachment once."""
    boundary = secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        first,
        b"\r\n",
    ]
    for part in parts:
        out.append(
            (
                f"--{boundary}\r\nContent-Type: {part.content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {part.sha2}\r\n\r\n"
            ).encode()
        )
        out.append(part.content)
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
