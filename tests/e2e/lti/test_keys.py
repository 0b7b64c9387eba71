"""The tool's keys: published at /lti/jwks, rotated with the previous key kept published."""

from __future__ import annotations

import json

import jwt
from jwt.algorithms import RSAAlgorithm

from lti_tool.keys import current_key, rotate
from lti_tool.tool_config import registration_for


def test_jwks_is_empty_until_a_key_is_needed_then_serves_it(tool, db_session):
    assert tool.jwks() == {"keys": []}
    key = current_key(db_session)
    db_session.commit()
    [published] = tool.jwks()["keys"]
    assert published["kid"] == key.kid
    assert (published["kty"], published["alg"], published["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in published, "never the private part"


def test_rotation_publishes_current_and_previous_key_only(tool, db_session):
    """Moodle caches a tool's key set per client and fetches it again when a signature fails
    (mod/lti/locallib.php, lti_verify_with_keyset): the previous key stays published."""
    first = current_key(db_session)
    second = rotate(db_session)
    db_session.commit()
    assert [k["kid"] for k in tool.jwks()["keys"]] == [second.kid, first.kid]
    third = rotate(db_session)
    db_session.commit()
    assert [k["kid"] for k in tool.jwks()["keys"]] == [third.kid, second.kid]
    assert current_key(db_session).kid == third.kid


def test_messages_are_signed_with_the_current_key(tool, registered, db_session):
    rotate(db_session)
    new = rotate(db_session)
    db_session.commit()
    registration = registration_for(db_session, registered)
    token = jwt.encode(
        {"iss": "x"},
        registration.get_tool_private_key(),
        algorithm="RS256",
        headers={"kid": registration.get_kid()},
    )
    keys = {k["kid"]: k for k in tool.jwks()["keys"]}
    assert registration.get_kid() == new.kid
    public = RSAAlgorithm.from_jwk(json.dumps(keys[new.kid]))
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"iss": "x"}
