"""`more` links used by another credential than the one they were given to.

xAPI 1.0.3 Part 2, 2.5 (StatementResult "more": "Relative IRL that can be used to fetch more
results"; 2.5.s3.b2 "An LRS MAY include all necessary information within the "more" property IRL
to continue the query"); Part 3, 2.1.3.s2.b3 "The LRS MAY apply additional query filter criteria
based on permissions associated with the credentials used"; Part 3, 4.2 "statements/read/mine":
"read Statements written by "me"". Lernspur's link carries the query and the organisation, not
the credential: another organisation is refused (404), and a credential of the same organisation
gets the page filtered by its own scopes.
"""

from __future__ import annotations

from tests.integration.xapi.helpers import statement


def _more_link(client, count=3):
    ids = [client.post("statements", json=statement()).get_json()[0] for _ in range(count)]
    page = client.get("statements", query_string={"limit": 1}).get_json()
    assert [s["id"] for s in page["statements"]] == [ids[-1]]
    assert page["more"].startswith("/xapi/statements?more=")
    return ids, page["more"]


def _follow(client, link):
    return client.client.get(link, headers=client.headers())


def test_more_link_of_one_organisation_is_404_for_another_organisation(xapi_factory):
    """Part 2, 2.5: the IRL fetches "more results" of the query it was given for - one
    organisation's results are no other's: 404, naming `query.more`, and nothing of the first
    organisation in the answer."""
    owner = xapi_factory.as_(["all"], org="org-a")
    stranger = xapi_factory.as_(["all"], org="org-b")
    stranger.post("statements", json=statement())
    ids, link = _more_link(owner)
    response = _follow(stranger, link)
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["details"] == [{"path": "query.more", "rule": "belongs to another client"}]
    assert not any(sid.encode() in response.data for sid in ids)
    # The link still works for its own organisation (2.5.s3.b1: usable for 24 hours).
    assert [s["id"] for s in _follow(owner, link).get_json()["statements"]] == [ids[1]]


def test_more_link_followed_with_read_mine_scope_returns_only_that_credentials_statements(
    xapi_factory,
):
    """Part 3, 4.2 "statements/read/mine": "read Statements written by "me""; 2.1.3.s2.b3 the
    LRS MAY filter "based on permissions associated with the credentials used". A link given to
    a credential that reads everything, followed by a read/mine credential of the same
    organisation, yields only the read/mine credential's own statements."""
    everything = xapi_factory.as_(["all"], org="org-a")
    mine = xapi_factory.as_(["statements/write", "statements/read/mine"], org="org-a")
    own = mine.post("statements", json=statement()).get_json()[0]
    ids, link = _more_link(everything)
    response = _follow(mine, link)
    assert response.status_code == 200, response.get_json()
    page = response.get_json()
    assert [s["id"] for s in page["statements"]] == [own]
    assert page["more"] == ""
    assert not any(sid.encode() in response.data for sid in ids)


def test_more_link_followed_without_a_read_scope_is_403(xapi_factory):
    """Part 3, 3.2.s3.b10: "The LRS MUST reject with 403 Forbidden status any request rejected
    by the LRS where the credentials associated with the request do not have permission to make
    that request" - a `more` link grants no permission of its own."""
    everything = xapi_factory.as_(["all"], org="org-a")
    writer = xapi_factory.as_(["statements/write"], org="org-a")
    ids, link = _more_link(everything)
    response = _follow(writer, link)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "forbidden"
    assert error["details"][0]["path"] == "scope"
    assert not any(sid.encode() in response.data for sid in ids)


def test_altered_more_link_is_400_naming_query_more(xapi):
    """Part 2, 2.5.s3.b7: a client "SHOULD NOT attempt to interpret any meaning from the IRL";
    one it changed is not a link the LRS gave (Part 3, 3.2.s3.b7: parameters not recognised in
    their context are rejected with 400)."""
    _, link = _more_link(xapi)
    response = _follow(xapi, link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["details"] == [{"path": "query.more", "rule": "must be a link the LRS gave"}]
