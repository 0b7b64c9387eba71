"""Single-statement writes through a real `lernspur serve`, where they run outside a
transaction (lrs.db.autocommit_statement) under a remembered credential (lrs.auth.recall).

xAPI 1.0.3 Part 3, 2.1.2: POST stores the statements and answers their ids; Part 3, 4: a
credential the LRS no longer accepts is answered 401. `lernspur credentials revoke` ends a
credential for every worker at once, whatever each remembers.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import LERNSPUR
from tests.integration.xapi.helpers import ATTEMPTED, live_session, statement

pytestmark = pytest.mark.server


def test_single_statement_posts_are_stored_and_a_revoked_credential_is_refused_at_once(
    live_server,
):
    writer = live_server.credentials()
    url = f"{live_server.url}/xapi/statements"
    with live_session(writer) as s:
        # A connection of its own for each request, so that whichever worker accepts it serves
        # it: a worker authenticates once, then writes remembering the credential.
        s.headers["Connection"] = "close"
        ids = [s.post(url, json=statement(verb=ATTEMPTED)).json()[0] for _ in range(12)]
        revoked = subprocess.run(
            [LERNSPUR, "credentials", "revoke", writer["key"], "--json"],
            env=live_server.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert revoked.returncode == 0, revoked.stderr
        refused = [s.post(url, json=statement(verb=ATTEMPTED)).status_code for _ in range(6)]
    assert refused == [401] * 6

    reader = live_server.credentials(org=writer["org"])
    with live_session(reader) as s:
        stored = s.get(url, params={"verb": ATTEMPTED, "limit": 100}).json()["statements"]
    assert sorted(st["id"] for st in stored) == sorted(ids)


def test_revoking_an_unknown_key_fails_and_says_so(live_server):
    out = subprocess.run(
        [LERNSPUR, "credentials", "revoke", "no-such-key"],
        env=live_server.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode != 0
    assert "No credential 'no-such-key'" in out.stderr + out.stdout
