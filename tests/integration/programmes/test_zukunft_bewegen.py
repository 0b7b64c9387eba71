"""Seed 000, `zukunft-bewegen`: nine municipalities raise participation, above all of managers
and of staff who never trained before. Figures worked out by hand from a small statement set."""

from __future__ import annotations

from tests.integration.programmes.conftest import (
    ATTEMPTED,
    COMPLETED,
    COURSE,
    PASSED,
    account,
    assert_rebuild_gives_identical_figures,
    statement,
    voiding,
)

K1 = "https://moodle.kommune-01.de"
K2 = "https://moodle.kommune-02.de"
K3 = "https://moodle.kommune-03.de"
EAKTE = COURSE + "e-akte-grundlagen"
SELBST = COURSE + "selbstlernen"
ELSEWHERE = "https://moodle.kommune-01.de/course/view.php?id=99"  # not in the catalogue


def _history(programmes):
    k1 = []
    # kommune-01: eleven people complete E-Akte in March 2013 ...
    for n in range(1, 12):
        k1.append(statement(account(K1, f"u{n}"), COMPLETED, EAKTE, "2013-03-10T09:00:00Z"))
    # ... of whom u1-u4 had completed some course before the runtime (not first-time) ...
    for n in range(1, 5):
        k1.append(statement(account(K1, f"u{n}"), COMPLETED, ELSEWHERE, "2011-06-01T09:00:00Z"))
    # ... u11 is also known by her mbox_sha1sum (linked in the learner file): one person.
    k1.append(statement({"mbox_sha1sum": "a" * 40}, PASSED, SELBST, "2013-04-02T09:00:00Z"))
    # u12 completes on 20 December 2014; the platform sends it only now (late, still counts).
    k1.append(statement(account(K1, "u12"), COMPLETED, EAKTE, "2014-12-20T09:00:00Z"))
    # u13 completes after the runtime; u14 only attempts; u15's completion is voided.
    k1.append(statement(account(K1, "u13"), COMPLETED, EAKTE, "2015-01-05T09:00:00Z"))
    k1.append(statement(account(K1, "u14"), ATTEMPTED, EAKTE, "2013-05-01T09:00:00Z"))
    wrong = statement(account(K1, "u15"), COMPLETED, EAKTE, "2013-05-01T09:00:00Z")
    k1.append(wrong)
    programmes.post("kommune-01", k1)
    programmes.post("kommune-01", [voiding(wrong["id"], account(K1, "admin"))])
    # kommune-02: six first-time participants in June 2013; kommune-03: two in January 2014.
    programmes.post(
        "kommune-02",
        [statement(account(K2, f"p{n}"), PASSED, SELBST, "2013-06-15T09:00:00Z") for n in range(6)],
    )
    programmes.post(
        "kommune-03",
        [
            statement(account(K3, f"q{n}"), COMPLETED, EAKTE, "2014-01-15T09:00:00Z")
            for n in range(2)
        ],
    )


def _setup(programmes):
    programmes.load("zukunft-bewegen")
    # u1-u6 are managers; u11's second identifier is her mbox_sha1sum.
    programmes.learners(
        "kommune-01",
        "homepage,name,manager,mbox_sha1sum\n"
        + "".join(f"{K1},u{n},yes,\n" for n in range(1, 7))
        + f"{K1},u11,no,{'a' * 40}\n",
    )
    _history(programmes)
    return programmes.token("zukunft-bewegen")


def test_report_figures_worked_out_by_hand(programmes):
    token = _setup(programmes)
    response = programmes.api("programmes/zukunft-bewegen/report", token)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    orgs = {o["id"]: o for o in report["organisations"]}

    # Participants: kommune-01 u1-u11 and u12 = 12 (u13 after the runtime, u14 only attempted,
    # u15 voided; u11's two identifiers are one person); kommune-02 6; kommune-03 2. Total 20.
    assert report["participants"] == 20
    assert orgs["kommune-01"]["participants"] == 12
    assert orgs["kommune-01"]["participation_rate"] == 0.05  # 12 / 240
    # kommune-03's 2 is below min_cell 5; with the zeros of kommune-04..09 the hidden cells
    # add up to 2, which total - published would give away: kommune-02 (6, the smallest
    # published cell) is suppressed with them.
    assert orgs["kommune-03"]["participants"] is None
    assert orgs["kommune-02"]["participants"] is None
    assert orgs["kommune-02"]["participation_rate"] is None
    assert orgs["kommune-09"]["participants"] is None
    assert "organisations.kommune-02.participants" in report["suppressed"]
    assert "organisations.kommune-03.participants" in report["suppressed"]

    # First-time: kommune-01 12 - 4 (u1-u4 trained before) = 8, kommune-02 6, kommune-03 2:
    # total 16; kommune-02 again suppressed with kommune-03 and the zeros.
    assert orgs["kommune-01"]["first_time_participants"] == 8
    assert orgs["kommune-02"]["first_time_participants"] is None
    # Managers: 6, all in kommune-01; the other cells are zeros adding up to 0 < 5, so
    # kommune-01's 6 is hidden too, while the total (in the target) stays.
    assert orgs["kommune-01"]["manager_participants"] is None
    assert orgs["kommune-01"]["managers"] == 28

    targets = {t["name"]: t for t in report["targets"]}
    # 20 / 1440 staff (240+180+310+95+150+70+130+205+60) = 0.0139 < 0.40
    assert targets["participation_rate"] == {
        "name": "participation_rate",
        "target": 0.4,
        "actual": 0.0139,
        "met": False,
    }
    # 6 / 169 managers (28+21+35+12+17+9+15+24+8) = 0.0355 < 0.75
    assert targets["manager.participation_rate"]["actual"] == 0.0355
    assert targets["manager.participation_rate"]["met"] is False
    # 16 / 20 = 0.8 >= 0.30
    assert targets["first_time.share_of_participants"]["actual"] == 0.8
    assert targets["first_time.share_of_participants"]["met"] is True
    # Not defined by this programme: null.
    assert report["vouchers"] is None
    assert report["competency_coverage"] is None
    assert orgs["kommune-01"]["vouchers_redeemed"] is None
    assert orgs["kommune-01"]["cost_share_eur"] is None


def test_time_series_counts_late_statements_in_their_own_month(programmes):
    token = _setup(programmes)
    series = programmes.api("programmes/zukunft-bewegen/timeseries", token).get_json()
    months = {m["month"]: m for m in series["months"]}
    assert series["months"][0]["month"] == "2012-10"
    assert series["months"][-1]["month"] == "2014-12"
    # New participants: 11 in 2013-03 (u11's April pass is not her first), 6 in 2013-06,
    # 2 in 2014-01, 1 in 2014-12 (u12, sent late). Published cumulative points must grow by
    # at least 5 and leave no small remainder before the total of 20: 11 (March) stays; 17
    # (June) would leave 3 and is withheld.
    assert months["2013-03"]["participants"] == 11
    assert months["2013-03"]["new_participants"] == 11
    assert months["2013-06"]["participants"] is None
    assert months["2014-12"]["participants"] is None


def test_rebuild_gives_identical_figures(programmes):
    token = _setup(programmes)
    assert_rebuild_gives_identical_figures(
        programmes, "zukunft-bewegen", token, ["report", "timeseries", "organisations/kommune-01"]
    )
