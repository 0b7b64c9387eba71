"""Tables of a report as CSV or XLSX (`?format=csv|xlsx`). Suppressed cells stay empty."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FORMATS = ("json", "csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]

    def values(self) -> list[list[Any]]:
        return [[row.get(c) for c in self.columns] for row in self.rows]


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for values in table.values():
        writer.writerow(["" if v is None else _plain(v) for v in values])
    return buffer.getvalue().encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_xlsx(tables: Sequence[Table], suppressed: Sequence[str] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(list(table.columns))
        for values in table.values():
            sheet.append(values)
    if suppressed:
        sheet = book.create_sheet("suppressed")
        sheet.append(["suppressed"])
        for name in suppressed:
            sheet.append([name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Download:
    content: bytes
    mimetype: str
    filename: str


def download(
    tables: Sequence[Table], suppressed: Sequence[str], fmt: str, table: str | None, name: str
) -> Download | None:
    """The file for `?format=csv|xlsx` (CSV: the table named, else the first); None if no
    table has that name."""
    if fmt == "xlsx":
        return Download(to_xlsx(tables, suppressed), XLSX_MIMETYPE, f"{name}.xlsx")
    chosen = next((t for t in tables if t.name == (table or tables[0].name)), None)
    if chosen is None:
        return None
    return Download(to_csv(chosen), "text/csv", f"{name}-{chosen.name}.csv")


def report_tables(report: dict[str, Any]) -> list[Table]:
    tables = [
        Table(
            "organisations",
            (
                "id",
                "name",
                "headcount",
                "participants",
                "participation_rate",
                "managers",
                "manager_participants",
                "first_time_participants",
                "vouchers_redeemed",
                "cost_share_eur",
            ),
            report["organisations"],
        ),
        Table("targets", ("name", "target", "actual", "met"), report["targets"]),
    ]
    if report["vouchers"] is not None:
        tables.append(Table("vouchers", ("total", "redeemed", "remaining"), [report["vouchers"]]))
    if report["competency_coverage"] is not None:
        tables.append(
            Table(
                "competency_coverage",
                ("area", "share"),
                [{"area": a, "share": s} for a, s in report["competency_coverage"].items()],
            )
        )
    return tables


def timeseries_tables(series: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "months",
            (
                "month",
                "participants",
                "new_participants",
                "vouchers_redeemed",
                "vouchers_remaining",
            ),
            series["months"],
        )
    ]


def competency_tables(coverage: dict[str, Any]) -> list[Table]:
    areas = [a["code"] for a in coverage["areas"]]
    return [
        Table(
            "areas", ("code", "title", "participants", "share", "target", "met"), coverage["areas"]
        ),
        Table(
            "competencies",
            ("code", "area", "title", "participants", "share"),
            coverage["competencies"],
        ),
        Table(
            "organisations",
            ("id", "name", *areas),
            [{"id": o["id"], "name": o["name"], **o["areas"]} for o in coverage["organisations"]],
        ),
    ]


def organisation_tables(detail: dict[str, Any]) -> list[Table]:
    org = detail["organisation"]
    return [Table("organisation", tuple(org), [org])]
