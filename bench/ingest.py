"""Ingest throughput over HTTP: POST batches of realistic statements to `lernspur serve`.

    .venv/bin/python bench/ingest.py                       # PostgreSQL (lernspur_bench)
    .venv/bin/python bench/ingest.py --database sqlite:///var/bench.db
    .venv/bin/python bench/ingest.py --batch 1 --seconds 10  # single-statement POSTs

Starts its own server on a fresh database unless --url/--key/--secret point at a running one.
Prints statements/s and request latency percentiles. Issue #2's targets on a 2-core machine:
>= 10,000 statements/s in batches of 100; >= 800/s single-statement POSTs.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import socket
import threading
import time
import urllib.parse

from common import (
    cpu_reference,
    credentials,
    fresh_database,
    machine,
    percentile,
    realistic_statement,
    start_server,
)


class Client:
    """A minimal HTTP/1.1 client for the load: each request is prepared bytes, the response is
    read by Content-Length. http.client spent ~0.33 ms of CPU per request on the same two
    cores as the server it measures (the whole client process: 1.89 s of CPU in a 12 s run of
    single-statement POSTs; with this client 0.83 s, start-up and body generation included)."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.address = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.sock: socket.socket | None = None

    def request(self, data: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(data)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])
        }
        length = int(headers.get(b"content-length", b"0"))
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            body += chunk
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def prepared_requests(url: str, auth: str, bodies: list[bytes]) -> list[bytes]:
    host = urllib.parse.urlsplit(url).netloc
    return [
        (
            f"POST /xapi/statements HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\n"
            "X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]


def worker(
    url: str,
    requests: list[bytes],
    deadline: float,
    results: list[float],
    errors: list[str],
    batch: int,
    counts: list[int],
) -> None:
    client = Client(url)
    i = 0
    while time.monotonic() < deadline:
        data = requests[i % len(requests)]
        i += 1
        start = time.perf_counter()
        status, body = client.request(data)
        results.append(time.perf_counter() - start)
        if status != 200:
            errors.append(f"{status} {body[:200]!r}")
            return
        counts.append(batch)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/lernspur_bench")
    parser.add_argument("--url")
    parser.add_argument("--key")
    parser.add_argument("--secret")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    server = None
    if args.url:
        url, key, secret = args.url, args.key, args.secret
    else:
        server = start_server(fresh_database(args.database), args.workers, args.threads)
        url = server.url
        key, secret = credentials(server.env, "bench")
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    rng = random.Random(7)
    bodies = []
    for _ in range(64):
        batch = [realistic_statement(rng) for _ in range(args.batch)]
        bodies.append(json.dumps(batch if args.batch > 1 else batch[0]).encode())
    size = sum(len(b) for b in bodies) / len(bodies) / args.batch
    requests = prepared_requests(url, auth, bodies)
    print(f"machine: {machine()}")
    print(cpu_reference())
    print(f"database: {args.database if server else url}")
    print(
        f"batch {args.batch}, {args.clients} client threads, {args.seconds:.0f} s, "
        f"~{size:.0f} bytes/statement, server {args.workers} workers x {args.threads} threads"
    )
    # Warm up (connections, caches) before measuring.
    warm: list[float] = []
    worker(url, requests, time.monotonic() + 2, warm, [], args.batch, [])
    results: list[float] = []
    errors: list[str] = []
    counts: list[int] = []
    deadline = time.monotonic() + args.seconds
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=worker, args=(url, requests, deadline, results, errors, args.batch, counts)
        )
        for _ in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if server:
        server.stop()
    if errors:
        raise SystemExit(f"errors: {errors[:3]}")
    total = sum(counts)
    print(
        f"stored {total} statements in {elapsed:.1f} s: {total / elapsed:,.0f} statements/s, "
        f"{len(results) / elapsed:,.0f} requests/s"
    )
    print(
        f"request latency p50 {percentile(results, 50) * 1000:.1f} ms, "
        f"p95 {percentile(results, 95) * 1000:.1f} ms, p99 {percentile(results, 99) * 1000:.1f} ms"
    )
    print(f"{cpu_reference()}, after the run")


if __name__ == "__main__":
    main()
