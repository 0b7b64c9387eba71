"""Through the whole stack: a voided statement leaves the same figures as one never sent, both
as the projections are kept current and after `projections rebuild`."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.programmes.conftest import (
    COMPLETED,
    COURSE,
    LAUNCHED,
    PASSED,
    account,
    projection_rows,
    statement,
    voiding,
)

ACTIVITIES = [COURSE + "e-akte-grundlagen", COURSE + "selbstlernen", "https://lms.example.org/x"]
TIMES = ["2023-12-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-11-01T00:00:00Z"]

events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=7),
        st.sampled_from([COMPLETED, PASSED, LAUNCHED]),
        st.sampled_from(ACTIVITIES),
        st.sampled_from(TIMES),
    ),
    min_size=1,
    max_size=14,
)


def _programme(slug, org):
    return {
        "id": slug,
        "name": slug,
        "runtime": {"start": "2024-01-01", "end": "2024-12-31"},
        "organisations": [{"id": org, "name": org, "headcount": 20, "managers": 4}],
        "framework": "kompetenzmodell-kommunal",
        "eligible": "all",
        "completion": {"verbs": [COMPLETED, PASSED]},
        "vouchers": {"total": 100, "redeemed_on": LAUNCHED},
        "privacy": {"min_cell": 1},
    }


def _figures(programmes, slug):
    token = programmes.token(slug)
    report = programmes.api(f"programmes/{slug}/report", token).get_json()
    coverage = programmes.api(f"programmes/{slug}/competencies", token).get_json()
    series = programmes.api(f"programmes/{slug}/timeseries", token).get_json()
    report["organisations"][0].pop("id")
    report["organisations"][0].pop("name")
    for body in (report, coverage, series):
        body.pop("programme")
        body.pop("as_of")
        body["suppressed"] = [name.replace(slug, "ORG") for name in body["suppressed"]]
    coverage["organisations"][0].pop("id")
    coverage["organisations"][0].pop("name")
    return report, coverage, series


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=events, data=st.data())
def test_voided_statement_counts_as_never_sent(programmes, history, data):
    victim = data.draw(st.integers(min_value=0, max_value=len(history) - 1))
    run = uuid.uuid4().hex[:8]
    voided, never = f"voided-{run}", f"never-{run}"
    programmes.load(_programme(voided, voided))
    programmes.load(_programme(never, never))
    home = "https://lms.example.org"

    def stmts():
        return [
            statement(account(home, str(who)), verb, activity, when)
            for who, verb, activity, when in history
        ]

    sent = stmts()
    programmes.post(voided, sent)
    programmes.post(voided, [voiding(sent[victim]["id"], account(home, "admin"))])
    kept = stmts()
    programmes.post(never, kept[:victim] + kept[victim + 1 :])
    assert _figures(programmes, voided) == _figures(programmes, never)
    live = projection_rows(programmes.session)
    programmes.rebuild()
    assert projection_rows(programmes.session) == live
    assert _figures(programmes, voided) == _figures(programmes, never)
