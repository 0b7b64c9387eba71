"""The guard on URLs the tool fetches (server-side request forgery)."""

from __future__ import annotations

import socket

import pytest

from lti_tool.outbound import GuardedSession, UnsafeURL, check_url


@pytest.fixture
def resolves(monkeypatch):
    """Pretend DNS: host -> address."""
    table: dict[str, str] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            raise socket.gaierror("unknown host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def test_public_https_url_is_allowed(resolves):
    resolves["moodle.example.org"] = "93.184.216.34"
    assert check_url("https://moodle.example.org/mod/lti/certs.php", False)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "0.0.0.0", "::1"],  # noqa: S104
)
def test_private_loopback_and_metadata_addresses_are_refused(resolves, address):
    resolves["moodle.example.org"] = address
    with pytest.raises(UnsafeURL):
        check_url("https://moodle.example.org/", False)


def test_plain_http_is_refused_outside_development(resolves):
    resolves["moodle.example.org"] = "93.184.216.34"
    with pytest.raises(UnsafeURL):
        check_url("http://moodle.example.org/", False)


def test_unresolvable_and_non_http_urls_are_refused(resolves):
    with pytest.raises(UnsafeURL):
        check_url("https://nowhere.invalid/", False)
    with pytest.raises(UnsafeURL):
        check_url("file:///etc/passwd", True)


def test_allow_private_urls_permits_local_platforms():
    assert check_url("http://127.0.0.1:8080/mod/lti/certs.php", True)


def test_session_checks_every_request(resolves):
    resolves["internal.example"] = "10.0.0.1"
    with pytest.raises(UnsafeURL):
        GuardedSession(False).get("https://internal.example/")
