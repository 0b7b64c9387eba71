"""The projections' definitions version travels with authentication (one round trip less per
xAPI request) and still changes when an administrator loads a programme."""

import pytest

from lrs.auth.services import authenticate, authenticated_value
from lrs.db import first_row
from lrs.projections.definitions import _VERSION, _version


def test_authentication_reads_the_definitions_version_that_a_programme_load_changes(
    programmes, db_session
):
    xapi = programmes.xapi("stadt-a")
    assert authenticate(db_session, xapi.key, xapi.secret) is not None
    before = authenticated_value(db_session, "definitions_version")
    assert (before,) == tuple(first_row(db_session, _VERSION, {}))
    assert _version(db_session) == (before,)

    programmes.load("zukunft-bewegen")
    assert authenticate(db_session, xapi.key, xapi.secret) is not None
    after = authenticated_value(db_session, "definitions_version")
    assert after != before
    assert _version(db_session) == (after,) == tuple(first_row(db_session, _VERSION, {}))


def test_a_session_that_did_not_authenticate_asks_the_database(programmes, db_session):
    """The CLI and the Moodle pull store statements without an xAPI request."""
    db_session.info.clear()
    assert _version(db_session) == tuple(first_row(db_session, _VERSION, {}))


def test_a_reading_request_does_not_read_the_version(programmes, db_session):
    """GET and HEAD store nothing: their authentication skips what writers read with it."""
    xapi = programmes.xapi("stadt-a")
    db_session.info.clear()
    assert authenticate(db_session, xapi.key, xapi.secret, writing=False) is not None
    with pytest.raises(KeyError):
        authenticated_value(db_session, "definitions_version")
    assert _version(db_session) == tuple(first_row(db_session, _VERSION, {}))
