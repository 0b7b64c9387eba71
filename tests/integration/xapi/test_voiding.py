"""Voiding a voiding statement, and voiding what is not stored (xAPI 1.0.3 Part 2, 2.3.2).

2.3.2.s1: "Any Statement that voids another cannot itself be voided." 2.3.2.s2.b3: "An LRS MUST
consider a Statement it contains voided if and only if the Statement is not itself a voiding
Statement and the LRS also contains a voiding Statement referring to the first Statement." The
spec does not say whether the LRS rejects a statement voiding a voiding statement; the suite
(XAPI-00016, "should not void a voiding statement") accepts either answer and checks only that
the voiding statement is still returned by statementId. Lernspur refuses it with 400
(`services._apply_voiding`); the tests pin that and, above all, the MUST of s2.b3.
"""

from __future__ import annotations

from tests.integration.xapi.helpers import VOIDED, new_id, statement


def _voiding(target, **extra):
    return statement(
        actor="mailto:admin@example.org",
        verb=VOIDED,
        object={"objectType": "StatementRef", "id": target},
        **extra,
    )


def _status(xapi, **query):
    return xapi.get("statements", query_string=query).status_code


def _assert_voiding_refused(response, path):
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["details"] == [
        {"path": path, "rule": "must not reference a voiding statement (xAPI Part 2, 2.3.2)"}
    ]


def test_statement_voiding_a_voiding_statement_is_400_and_the_voiding_statement_stays(xapi):
    """2.3.2.s1 "Any Statement that voids another cannot itself be voided"; s2.b3 the LRS
    considers a statement voided only "if the Statement is not itself a voiding Statement"."""
    target = xapi.post("statements", json=statement()).get_json()[0]
    voiding = xapi.post("statements", json=_voiding(target)).get_json()[0]
    second = new_id()
    response = xapi.post("statements", json=_voiding(voiding, id=second))
    _assert_voiding_refused(response, "statement.object.id")
    assert _status(xapi, statementId=voiding) == 200
    assert _status(xapi, voidedStatementId=voiding) == 404
    assert _status(xapi, statementId=second) == 404  # the refused statement is not stored
    assert _status(xapi, voidedStatementId=target) == 200  # the first voiding still holds


def test_batch_voiding_a_voiding_statement_of_the_same_batch_is_400_and_stores_nothing(xapi):
    """2.3.2.s1 again, within one batch: the refusal names the batch index; Part 3, 3.2.s3.b9
    "The LRS MUST reject a batch of statements if any Statement within that batch is
    rejected", so the first voiding statement is not stored and its target not voided."""
    target = xapi.post("statements", json=statement()).get_json()[0]
    # The offending statement's id sorts before the other's: the LRS writes a batch in id
    # order, and the path must still name the statement's place in the request.
    first, second = "f" + new_id()[1:], "0" + new_id()[1:]
    response = xapi.post(
        "statements", json=[_voiding(target, id=first), _voiding(first, id=second)]
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert _status(xapi, statementId=target) == 200
    assert _status(xapi, statementId=first) == 404
    assert _status(xapi, statementId=second) == 404
    _assert_voiding_refused(response, "statements[1].object.id")


def test_voiding_statement_put_that_targets_a_voiding_statement_is_400(xapi):
    """2.3.2.s1 through PUT: the problem is named at `statement.object.id`."""
    target = xapi.post("statements", json=statement()).get_json()[0]
    voiding = xapi.post("statements", json=_voiding(target)).get_json()[0]
    sid = new_id()
    response = xapi.put("statements", json=_voiding(voiding), query_string={"statementId": sid})
    _assert_voiding_refused(response, "statement.object.id")
    assert _status(xapi, statementId=sid) == 404
    assert _status(xapi, statementId=voiding) == 200


def test_voiding_statement_arriving_before_its_voiding_statement_target_does_not_void_it(xapi):
    """2.3.2.s2.b5 (no rejection for a missing target) with s2.b3: a statement that voids an id
    not yet stored is accepted; when a voiding statement is then stored under that id, it is
    "itself a voiding Statement" and so MUST NOT be considered voided."""
    target = xapi.post("statements", json=statement()).get_json()[0]
    later = new_id()
    early = xapi.post("statements", json=_voiding(later))
    assert early.status_code == 200, early.get_json()
    stored = xapi.put("statements", json=_voiding(target), query_string={"statementId": later})
    assert stored.status_code == 204, stored.get_data(as_text=True)
    assert _status(xapi, statementId=later) == 200
    assert _status(xapi, voidedStatementId=later) == 404
    assert _status(xapi, voidedStatementId=target) == 200


def test_voiding_a_statement_that_is_not_stored_is_accepted(xapi):
    """2.3.2.s2.b5: "Upon receiving a Statement that voids another, the LRS SHOULD NOT* reject
    the request on the grounds of the Object of that voiding Statement not being present"."""
    missing = new_id()
    response = xapi.post("statements", json=_voiding(missing))
    assert response.status_code == 200, response.get_json()
    (voiding,) = response.get_json()
    fetched = xapi.get("statements", query_string={"statementId": voiding})
    assert fetched.status_code == 200
    assert fetched.get_json()["object"] == {"objectType": "StatementRef", "id": missing}
    assert _status(xapi, statementId=missing) == 404
    assert _status(xapi, voidedStatementId=missing) == 404


def test_statement_stored_after_its_voiding_statement_is_stored_voided(xapi):
    """2.3.2.s2.b3: the target is voided "if ... the LRS also contains a voiding Statement
    referring to" it - also when the voiding statement came first (s2.b5 accepted it)."""
    target = new_id()
    assert xapi.post("statements", json=_voiding(target)).status_code == 200
    stored = xapi.put("statements", json=statement(), query_string={"statementId": target})
    assert stored.status_code == 204, stored.get_data(as_text=True)
    assert _status(xapi, statementId=target) == 404
    assert _status(xapi, voidedStatementId=target) == 200
    listed = xapi.get("statements").get_json()["statements"]
    assert target not in [s["id"] for s in listed]  # Part 3, 2.1.4: voided ones are not listed
