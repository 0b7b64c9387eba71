"""Site roots and activity keys (adapters.urls): the homePage = issuer rule."""

from __future__ import annotations

import pytest

from adapters.urls import activity_key, canonical_root, resolve_root, root_key


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("HTTPS://Moodle.Example.ORG//", "https://moodle.example.org"),
        ("https://moodle.example.org:443/lms/", "https://moodle.example.org/lms"),
        ("http://moodle.example.org:80", "http://moodle.example.org"),
        ("http://moodle.example.org:8443", "http://moodle.example.org:8443"),
        (" https://moodle.example.org ", "https://moodle.example.org"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
    ],
)
def test_site_roots_are_written_one_way(given, canonical):
    assert canonical_root(given) == canonical


def test_http_and_https_are_the_same_site_key():
    assert root_key("http://moodle.example.org/") == root_key("https://MOODLE.example.org")
    assert root_key("https://moodle.example.org/a") != root_key("https://moodle.example.org/b")


def test_registered_spelling_is_preferred():
    registered = {root_key("https://moodle.example.org"): "https://moodle.example.org"}
    assert resolve_root("http://moodle.example.org/", registered) == "https://moodle.example.org"
    assert resolve_root("http://other.example.org/", registered) == "http://other.example.org"


def test_activity_keys_keep_path_and_query():
    a = "https://Moodle.example.org:443/course/view.php?id=7"
    assert activity_key(a) == activity_key("http://moodle.example.org/course/view.php?id=7")
    assert activity_key(a) != activity_key("https://moodle.example.org/course/view.php?id=70")
    assert activity_key("urn:x-lernspur:course:7") == "urn:x-lernspur:course:7"
