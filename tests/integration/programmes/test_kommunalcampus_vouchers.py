"""Seed 001, `kommunalcampus-vouchers`: Ludwigshafen's staff take on-demand courses against its
competency model, paid from 2,750 vouchers. Figures worked out by hand."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.integration.programmes.conftest import (
    COMPLETED,
    COURSE,
    LAUNCHED,
    account,
    assert_rebuild_gives_identical_figures,
    statement,
)

LU = "https://lernen.ludwigshafen.de"
V1_URI = (
    "https://lernspur.de/case/kompetenzmodell-kommunal/CFItems/066be0ca-5105-5524-bf34-0446ae49a231"
)


def _setup(programmes):
    programmes.load("kommunalcampus-vouchers")
    s = []

    def learner(n):
        return account(LU, f"l{n}")

    for n in range(1, 7):  # l1-l6: E-Akte (D1), launched and completed in May 2023
        s.append(
            statement(learner(n), LAUNCHED, COURSE + "e-akte-grundlagen", "2023-05-02T08:00:00Z")
        )
        s.append(
            statement(learner(n), COMPLETED, COURSE + "e-akte-grundlagen", "2023-05-09T08:00:00Z")
        )
    for n in range(1, 6):  # l1-l5: Führen auf Distanz (F3) in February 2024
        s.append(
            statement(learner(n), LAUNCHED, COURSE + "fuehren-auf-distanz", "2024-02-01T08:00:00Z")
        )
        s.append(
            statement(learner(n), COMPLETED, COURSE + "fuehren-auf-distanz", "2024-02-20T08:00:00Z")
        )
    # l7 launches Datenschutz twice (one voucher) and completes it (D2).
    s.append(
        statement(learner(7), LAUNCHED, COURSE + "datenschutz-kompakt", "2023-06-01T08:00:00Z")
    )
    s.append(
        statement(learner(7), LAUNCHED, COURSE + "datenschutz-kompakt", "2023-06-08T08:00:00Z")
    )
    s.append(
        statement(learner(7), COMPLETED, COURSE + "datenschutz-kompakt", "2023-06-09T08:00:00Z")
    )
    # l8 launches Veränderung (a voucher) but never completes.
    s.append(
        statement(learner(8), LAUNCHED, COURSE + "veraenderung-gestalten", "2024-03-01T08:00:00Z")
    )
    # l9 completes Selbstlernen (S2) in a context that names competency V1 by its CASE URI.
    s.append(
        statement(learner(9), COMPLETED, COURSE + "selbstlernen", "2024-04-01T08:00:00Z", [V1_URI])
    )
    # l10 launched and completed before the runtime: no voucher, no participant.
    s.append(statement(learner(10), LAUNCHED, COURSE + "e-akte-grundlagen", "2022-12-01T08:00:00Z"))
    s.append(
        statement(learner(10), COMPLETED, COURSE + "e-akte-grundlagen", "2022-12-02T08:00:00Z")
    )
    programmes.post("stadt-ludwigshafen", s)
    return programmes.token("kommunalcampus-vouchers")


def test_report_figures_worked_out_by_hand(programmes):
    token = _setup(programmes)
    report = programmes.api("programmes/kommunalcampus-vouchers/report", token).get_json()
    (org,) = report["organisations"]
    # Participants: l1-l7 and l9 = 8 (l8 never completed, l10 before the runtime).
    assert report["participants"] == 8
    assert org["participants"] == 8
    assert org["participation_rate"] == 0.002  # 8 / 4000
    assert org["first_time_participants"] == 8
    assert org["manager_participants"] is None  # 0 managers known: below min_cell
    # Vouchers: l1-l6 E-Akte (6) + l1-l5 Führen (5) + l7 Datenschutz once (1) + l8 (1) = 13.
    assert report["vouchers"] == {"total": 2750, "redeemed": 13, "remaining": 2737}
    assert org["vouchers_redeemed"] == 13
    # Coverage by the end, of 8 participants: D l1-l7 = 7/8; F l1-l5 = 5/8; V only l9 (via
    # the context URI) = 1 and S only l9 = 1, both below min_cell.
    assert report["competency_coverage"] == {"D": 0.875, "F": 0.625, "V": None, "S": None}
    targets = {t["name"]: t for t in report["targets"]}
    assert targets["competency_coverage.D"] == {
        "name": "competency_coverage.D",
        "target": 0.6,
        "actual": 0.875,
        "met": True,
    }
    assert targets["competency_coverage.F"]["met"] is True
    assert targets["competency_coverage.V"] == {
        "name": "competency_coverage.V",
        "target": 0.3,
        "actual": None,
        "met": None,
    }
    assert "competency_coverage.V" in report["suppressed"]
    assert "targets.competency_coverage.V.actual" in report["suppressed"]
    assert org["cost_share_eur"] is None  # no cost model


def test_competency_coverage_per_area_and_competency(programmes):
    token = _setup(programmes)
    body = programmes.api("programmes/kommunalcampus-vouchers/competencies", token).get_json()
    areas = {a["code"]: a for a in body["areas"]}
    assert [a["code"] for a in body["areas"]] == ["D", "F", "V", "S"]
    assert areas["D"]["participants"] == 7
    assert areas["F"]["share"] == 0.625
    items = {c["code"]: c for c in body["competencies"]}
    assert items["D1"]["participants"] == 6  # l1-l6
    assert items["F3"]["participants"] == 5  # l1-l5
    assert items["D2"]["participants"] is None  # l7 alone
    assert items["V1"]["participants"] is None  # l9 alone
    assert body["organisations"][0]["areas"]["D"] == 0.875


def test_voucher_burn_down_per_month(programmes):
    token = _setup(programmes)
    series = programmes.api("programmes/kommunalcampus-vouchers/timeseries", token).get_json()
    months = {m["month"]: m for m in series["months"]}
    # Redemptions: 6 in 2023-05, 1 in 2023-06, 5 in 2024-02, 1 in 2024-03 (13 in all).
    # Published: 6 (May 23); 12 (Feb 24) would leave 1 before the total of 13: withheld.
    assert months["2023-05"]["vouchers_redeemed"] == 6
    assert months["2023-05"]["vouchers_remaining"] == 2744
    assert months["2024-02"]["vouchers_redeemed"] is None


def test_xlsx_export_has_every_table_and_the_same_numbers(programmes):
    token = _setup(programmes)
    response = programmes.api("programmes/kommunalcampus-vouchers/report", token, format="xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "organisations",
        "targets",
        "vouchers",
        "competency_coverage",
        "suppressed",
    ]
    rows = list(book["vouchers"].values)
    assert rows == [("total", "redeemed", "remaining"), (2750, 13, 2737)]
    coverage = dict(list(book["competency_coverage"].values)[1:])
    assert coverage == {"D": 0.875, "F": 0.625, "V": None, "S": None}


def test_rebuild_gives_identical_figures(programmes):
    token = _setup(programmes)
    assert_rebuild_gives_identical_figures(
        programmes,
        "kommunalcampus-vouchers",
        token,
        ["report", "timeseries", "competencies", "organisations/stadt-ludwigshafen"],
    )
