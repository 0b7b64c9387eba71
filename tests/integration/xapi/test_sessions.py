"""xAPI requests open no cookie session; the web pages keep theirs (lrs.xapi.SessionInterface)."""

import flask
from flask.sessions import NullSession

from lrs.statement_store.views import _host_url


def test_xapi_requests_get_the_null_session_and_pages_a_real_one(app):
    for path in ("/xapi/statements", "/data/xAPI/statements"):
        with app.test_request_context(path):
            assert isinstance(flask.session, NullSession)
    for path in ("/login", "/xapi-guide"):  # only the prefixes as path segments
        with app.test_request_context(path):
            assert not isinstance(flask.session, NullSession)
    with app.test_request_context("/login"):
        flask.session["csrf"] = "token"
        assert flask.session["csrf"] == "token"


def test_cached_host_url_is_werkzeugs_host_url_without_its_slash(app):
    """Part 2, 2.4.9: the authority's account homePage is this LRS's address."""
    for base in ("http://lrs.example.org:8080", "https://lrs.example.org", "http://[::1]:8000"):
        with app.test_request_context("/xapi/statements", base_url=base):
            request = flask.request
            assert _host_url(request.scheme, request.host) == request.host_url.rstrip("/")
