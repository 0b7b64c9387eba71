"""Seed 002, `nachwuchs-steinfurt`: a district, five towns and the job centre share the cost of
a junior-staff programme in proportion to their participants. Figures worked out by hand."""

from __future__ import annotations

import csv
import io

from tests.integration.programmes.conftest import COMPLETED, COURSE, account, statement


def _completions(org, count, course, when):
    home = f"https://lms.{org}.de"
    return [
        statement(account(home, f"n{i}"), COMPLETED, COURSE + course, when) for i in range(count)
    ]


def _setup(programmes):
    programmes.load("nachwuchs-steinfurt")
    programmes.post(
        "kreis-steinfurt",
        [
            *_completions("kreis-steinfurt", 10, "veraenderung-gestalten", "2021-06-01T10:00:00Z"),
            # E-Akte is not among this programme's courses: not a participant.
            statement(
                account("https://lms.kreis-steinfurt.de", "other"),
                COMPLETED,
                COURSE + "e-akte-grundlagen",
                "2021-06-01T10:00:00Z",
            ),
        ],
    )
    programmes.post(
        "stadt-rheine", _completions("stadt-rheine", 6, "how-to-verwaltung", "2021-09-01T10:00:00Z")
    )
    programmes.post(
        "jobcenter-steinfurt",
        _completions("jobcenter-steinfurt", 5, "selbstlernen", "2022-01-10T10:00:00Z"),
    )
    programmes.post(
        "stadt-greven",
        _completions("stadt-greven", 3, "digitale-zusammenarbeit", "2021-11-01T10:00:00Z"),
    )
    return programmes.token("nachwuchs-steinfurt")


def test_cost_shares_worked_out_by_hand_without_revealing_small_cells(programmes):
    token = _setup(programmes)
    report = programmes.api("programmes/nachwuchs-steinfurt/report", token).get_json()
    orgs = {o["id"]: o for o in report["organisations"]}
    # Participants: Kreis 10, Rheine 6, Jobcenter 5, Greven 3 = 24 (the E-Akte completion
    # is not on an eligible course).
    assert report["participants"] == 24
    # Cost shares: 42,000 EUR * participants / 24.
    assert orgs["kreis-steinfurt"]["cost_share_eur"] == 17500.0  # 42000 * 10 / 24
    assert orgs["stadt-rheine"]["cost_share_eur"] == 10500.0  # 42000 * 6 / 24
    # Greven's 3 is below min_cell; Steinfurt, Hörstel and Lengerich have 0: together 3, which
    # 24 - 10 - 6 - 5 would reveal, so the Jobcenter's 5 (the smallest published cell) is
    # withheld with them, and so are their cost shares (42,000 - 17,500 - 10,500 = 14,000
    # now stands for 8 people across five organisations).
    for org in ("stadt-greven", "jobcenter-steinfurt", "stadt-steinfurt", "stadt-hoerstel"):
        assert orgs[org]["participants"] is None
        assert orgs[org]["cost_share_eur"] is None
        assert f"organisations.{org}.participants" in report["suppressed"]
        assert f"organisations.{org}.cost_share_eur" in report["suppressed"]
    published = [o["participants"] for o in report["organisations"] if o["participants"]]
    assert report["participants"] - sum(published) >= 5
    assert report["targets"] == []
    assert report["vouchers"] is None
    assert report["competency_coverage"] is None


def test_csv_export_of_the_organisation_table(programmes):
    token = _setup(programmes)
    response = programmes.api("programmes/nachwuchs-steinfurt/report", token, format="csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows][:2] == ["kreis-steinfurt", "stadt-steinfurt"]
    kreis = next(r for r in rows if r["id"] == "kreis-steinfurt")
    assert kreis["participants"] == "10"
    assert kreis["cost_share_eur"] == "17500.0"
    greven = next(r for r in rows if r["id"] == "stadt-greven")
    assert greven["participants"] == ""  # suppressed cells stay empty
    targets = programmes.api(
        "programmes/nachwuchs-steinfurt/report", token, format="csv", table="targets"
    )
    assert targets.get_data(as_text=True).strip() == "name,target,actual,met"


def test_organisation_detail_matches_the_report_row(programmes):
    token = _setup(programmes)
    report = programmes.api("programmes/nachwuchs-steinfurt/report", token).get_json()
    detail = programmes.api(
        "programmes/nachwuchs-steinfurt/organisations/stadt-rheine", token
    ).get_json()
    row = next(o for o in report["organisations"] if o["id"] == "stadt-rheine")
    assert detail["organisation"] == row
    assert detail["participation_target"] is None
    missing = programmes.api("programmes/nachwuchs-steinfurt/organisations/elsewhere", token)
    assert missing.status_code == 404
