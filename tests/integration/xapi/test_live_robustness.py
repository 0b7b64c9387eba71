"""Bad input through a real `lernspur serve` (gunicorn): a clear 4xx in the error shape, in time,
never a 5xx or a hang — and a client that stalls mid-body holds up nobody else (issue #2,
"Reliability")."""

from __future__ import annotations

import base64
import json
import socket
import time
import urllib.parse
import uuid

import pytest

from tests.conftest import start_server, stop_server
from tests.integration.xapi.helpers import live_session, statement

pytestmark = pytest.mark.server


def _answer(conn: socket.socket) -> tuple[int, dict]:
    """The status and the JSON body of the answer on `conn`."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = conn.recv(65536)
        assert chunk, f"the server closed the connection without an answer: {answer!r}"
        answer += chunk
    headers, _, rest = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in headers.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = conn.recv(65536)
        assert chunk, "the server closed the connection mid-answer"
        rest += chunk
    return int(headers.split(b" ", 2)[1]), json.loads(rest[:length])


def _exchange(url: str, head: str, body: bytes = b"", timeout: float = 10.0) -> tuple[int, dict]:
    """Send one request on a connection of its own; the status and the JSON error body."""
    parsed = urllib.parse.urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as conn:
        conn.sendall(head.encode() + body)
        return _answer(conn)


def _head(server, creds, length: int, content_type: str = "application/json") -> str:
    token = base64.b64encode(f"{creds['key']}:{creds['secret']}".encode()).decode()
    return (
        f"POST /xapi/statements HTTP/1.1\r\nHost: {urllib.parse.urlsplit(server.url).netloc}\r\n"
        f"Authorization: Basic {token}\r\nX-Experience-API-Version: 1.0.3\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )


@pytest.fixture(scope="module")
def creds(live_server):
    return live_server.credentials()


def test_a_body_over_the_limit_is_413_before_it_is_sent(live_server, creds):
    """Part 3, 3.2 (1.0.3) / 2.0 Part 3, 3.2: 'The LRS MUST reject with 413 Request Entity Too
    Large any request larger than the LRS accepts' — answered from Content-Length alone."""
    started = time.monotonic()
    status, body = _exchange(live_server.url, _head(live_server, creds, 60 * 1024 * 1024))
    assert status == 413
    assert body["error"]["details"] == [{"path": "body", "rule": "must be at most 52428800 bytes"}]
    assert time.monotonic() - started < 5


def test_deeply_nested_json_is_a_clear_400(live_server, creds):
    nested = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    status, body = _exchange(live_server.url, _head(live_server, creds, len(nested)), nested)
    assert status == 400
    assert body["error"]["details"][0]["path"] == "body"


def test_multipart_form_data_is_refused_naming_the_header(live_server, creds):
    """Part 3, 1.5 / 2.1.2: statements come as application/json or multipart/mixed."""
    data = b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"
    head = _head(live_server, creds, len(data), "multipart/form-data; boundary=x")
    status, body = _exchange(live_server.url, head, data)
    assert status == 400
    assert body["error"]["details"][0]["path"] == "headers.Content-Type"


def test_a_client_stalling_mid_body_holds_up_no_other_request(live_server, creds):
    """A client that announces a body and stops sending ties up one thread at most (and no
    database lock): other clients are answered at once; when the stalled body ends short,
    the answer is a 400 naming the body, not a 5xx."""
    parsed = urllib.parse.urlsplit(live_server.url)
    stalled = [
        socket.create_connection((parsed.hostname, parsed.port), timeout=30) for _ in range(3)
    ]
    try:
        for conn in stalled:
            conn.sendall(_head(live_server, creds, 10_000).encode() + b'[{"actor":')
        http = live_session(creds)
        for _ in range(5):
            started = time.monotonic()
            response = http.post(f"{live_server.url}/xapi/statements", json=statement(), timeout=10)
            assert response.status_code == 200
            assert time.monotonic() - started < 2
        for conn in stalled:
            conn.shutdown(socket.SHUT_WR)  # the body ends 10 bytes into the 10,000 announced
            status, body = _answer(conn)
            assert status == 400
            assert body["error"]["details"] == [
                {"path": "body", "rule": "must be as long as Content-Length says; it ended early"}
            ]
    finally:
        for conn in stalled:
            conn.close()


def _chunked(body: bytes, size: int = 4096) -> bytes:
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


@pytest.fixture(scope="module")
def small_limit_server(live_database_url):
    """A server that accepts bodies of at most 20,000 bytes."""
    server = start_server(
        live_database_url, workers=1, extra_env={"LERNSPUR_MAX_BODY_BYTES": "20000"}
    )
    yield server
    stop_server(server)


@pytest.mark.parametrize("count", [5, 200], ids=["within", "over"])
def test_a_chunked_body_over_the_limit_is_413_not_cut_short(small_limit_server, count):
    """Part 3, 3.2: 413 for 'any request larger than the LRS accepts' — a chunked body has no
    Content-Length to refuse it by, and must not be cut at the limit and stored."""
    server = small_limit_server
    creds = server.credentials()
    registration = str(uuid.uuid4())
    batch = [
        statement(id=str(uuid.uuid4()), context={"registration": registration})
        for _ in range(count)
    ]
    body = json.dumps(batch).encode()
    head = _head(server, creds, 0).replace("Content-Length: 0", "Transfer-Encoding: chunked")
    status, answer = _exchange(server.url, head, _chunked(body))
    listed = live_session(creds).get(
        f"{server.url}/xapi/statements", params={"registration": registration, "limit": 0}
    )
    stored = listed.json()["statements"]
    if len(body) <= 20_000:
        assert status == 200, answer
        assert len(stored) == count
    else:
        assert status == 413, answer
        assert answer["error"]["details"] == [
            {"path": "body", "rule": "must be at most 20000 bytes"}
        ]
        assert stored == []


@pytest.mark.parametrize(
    ("path", "auth", "status"),
    [("/xapi/statements", False, 401), ("/xapi/no-such-resource", True, 404)],
    ids=["no credentials", "no route"],
)
def test_a_request_answered_without_its_body_is_answered_at_once(
    live_server, creds, path, auth, status
):
    """A request the LRS refuses on its head alone (no credentials, no such resource) gets its
    answer without the LRS waiting for, or holding, a body the client may never send."""
    head = _head(live_server, creds, 10_000).replace("/xapi/statements", path, 1)
    if not auth:
        head = "\r\n".join(
            line for line in head.split("\r\n") if not line.startswith("Authorization")
        )
    started = time.monotonic()
    got, answer = _exchange(live_server.url, head, b'[{"actor":', timeout=5)
    assert got == status, answer
    assert answer["error"]["details"]
    assert time.monotonic() - started < 2
