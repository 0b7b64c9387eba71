"""Assembling a programme's report, time series, competency coverage and organisation detail.

Every figure comes from the aggregates in `queries.py`; suppression (`suppression.py`) is
applied to all of them at once, so that the endpoints, exports and the dashboard, which are
slices of one `ProgrammeFigures`, never disagree and never reveal a suppressed cell together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Organisation
from lrs.competencies.models import Framework, FrameworkItem
from lrs.programmes.models import Programme
from lrs.reports import queries
from lrs.reports.suppression import Group, coarsen_series, suppressed_cells

SHARE_PLACES = 4


@dataclass
class Member:
    pk: int
    slug: str
    name: str
    headcount: int
    managers: int | None


@dataclass
class ProgrammeFigures:
    programme: Programme
    as_of: datetime
    members: list[Member]
    counts: dict[str, int] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    areas: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    items: list[tuple[int, str, str, str]] = field(default_factory=list)  # pk, code, area, title
    months: list[str] = field(default_factory=list)
    monthly: dict[str, int] = field(default_factory=dict)
    monthly_vouchers: dict[str, int] = field(default_factory=dict)

    @property
    def definition(self) -> dict[str, Any]:
        return self.programme.definition

    def count(self, name: str) -> int | None:
        """A published count, or None if suppressed (or not defined)."""
        if name in self.hidden or name not in self.counts:
            return None
        return self.counts[name]

    def share(self, numerator: str, denominator: str | int | None) -> float | None:
        """A ratio that is published only if neither of its parts is suppressed."""
        top = self.count(numerator)
        bottom = self.count(denominator) if isinstance(denominator, str) else denominator
        if top is None or not bottom:
            return None
        return round(top / bottom, SHARE_PLACES)


def _months(start: datetime, end: datetime) -> list[str]:
    months = []
    year, month = start.year, start.month
    last = (end.year, end.month) if end.day > 1 else _previous(end.year, end.month)
    while (year, month) <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def org_cell(slug: str, name: str) -> str:
    return f"organisations.{slug}.{name}"


def compute(
    session: Session, programme: Programme, series: bool = True, competencies: bool = True
) -> ProgrammeFigures:
    """Every figure of the programme (the monthly series and per-competency counts only when
    asked for: they are the costly queries)."""
    orgs = {
        o.pk: o
        for o in session.scalars(
            select(Organisation).where(Organisation.pk.in_([m.org_pk for m in programme.members]))
        )
    }
    members = [
        Member(m.org_pk, orgs[m.org_pk].slug, orgs[m.org_pk].name, m.headcount, m.managers)
        for m in programme.members
    ]
    figures = ProgrammeFigures(programme, datetime.now(UTC), members)
    org_pks = [m.pk for m in members]
    definition = programme.definition
    counts = figures.counts
    groups: list[Group] = []

    def add_group(total: str, cell: str, by_org: Mapping[int, int]) -> None:
        """One cell per member organisation (org pk -> count), and their published sum."""
        cells = tuple(org_cell(m.slug, cell) for m in members)
        for m, name in zip(members, cells, strict=True):
            counts[name] = by_org.get(m.pk, 0)
        counts[total] = sum(counts[c] for c in cells)
        groups.append(Group(total, cells))

    people = queries.participant_counts(session, programme.pk, org_pks)
    for index, name in enumerate(
        ("participants", "manager_participants", "first_time_participants")
    ):
        add_group(name, name, {org: row[index] for org, row in people.items()})
    if definition.get("vouchers"):
        add_group("vouchers.redeemed", "vouchers_redeemed", {o: r[3] for o, r in people.items()})

    framework = (
        session.scalar(select(Framework).where(Framework.slug == programme.framework_slug))
        if programme.framework_slug
        else None
    )
    if framework is not None:
        items = list(
            session.scalars(
                select(FrameworkItem)
                .where(FrameworkItem.framework_pk == framework.pk)
                .order_by(FrameworkItem.position)
            )
        )
        figures.areas = [(i.code, i.title) for i in items if i.parent_pk is None]
        figures.items = [(i.pk, i.code, i.area_code, i.title) for i in items if i.parent_pk]
        by_org_area = queries.area_counts(session, programme.pk)
        by_item = queries.competency_counts(session, programme.pk, org_pks) if competencies else {}
        for code, _title in figures.areas:
            name = f"competency_coverage.{code}"
            add_group(name, name, {o: n for (o, area), n in by_org_area.items() if area == code})
        if competencies:
            for pk, code, _area, _title in figures.items:
                counts[f"competencies.{code}"] = by_item.get(pk, 0)

    figures.hidden = suppressed_cells(counts, groups, programme.min_cell)
    figures.months = _months(programme.starts_at, programme.ends_at)
    if series:
        figures.monthly = queries.monthly_participants(session, programme.pk, org_pks)
        if definition.get("vouchers"):
            figures.monthly_vouchers = queries.monthly_redemptions(session, programme.pk, org_pks)
    return figures


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def organisation_row(figures: ProgrammeFigures, m: Member) -> dict[str, Any]:
    definition = figures.definition
    cost = definition.get("cost")
    participants = figures.count(org_cell(m.slug, "participants"))
    total = figures.count("participants")
    cost_share = None
    if cost and participants is not None and total:
        cost_share = _money(Decimal(cost["total_eur"]) * participants / total)
    return {
        "id": m.slug,
        "name": m.name,
        "headcount": m.headcount,
        "participants": participants,
        "participation_rate": figures.share(org_cell(m.slug, "participants"), m.headcount),
        "managers": m.managers,
        "manager_participants": figures.count(org_cell(m.slug, "manager_participants")),
        "first_time_participants": figures.count(org_cell(m.slug, "first_time_participants")),
        "vouchers_redeemed": figures.count(org_cell(m.slug, "vouchers_redeemed"))
        if definition.get("vouchers")
        else None,
        "cost_share_eur": cost_share,
    }


def _target(name: str, target: float, actual: float | None) -> dict[str, Any]:
    return {
        "name": name,
        "target": target,
        "actual": actual,
        "met": None if actual is None else actual >= target,
    }


def targets(figures: ProgrammeFigures) -> list[dict[str, Any]]:
    defined = figures.definition.get("targets") or {}
    headcount = sum(m.headcount for m in figures.members)
    managers = sum(m.managers or 0 for m in figures.members)
    rows = []
    if defined.get("participation_rate") is not None:
        rows.append(
            _target(
                "participation_rate",
                defined["participation_rate"],
                figures.share("participants", headcount),
            )
        )
    groups = defined.get("target_groups") or {}
    denominators = {"manager": managers, "first_time": headcount}
    cells = {"manager": "manager_participants", "first_time": "first_time_participants"}
    for group in ("manager", "first_time"):
        wanted = groups.get(group) or {}
        if wanted.get("participation_rate") is not None:
            rows.append(
                _target(
                    f"{group}.participation_rate",
                    wanted["participation_rate"],
                    figures.share(cells[group], denominators[group]),
                )
            )
        if wanted.get("share_of_participants") is not None:
            rows.append(
                _target(
                    f"{group}.share_of_participants",
                    wanted["share_of_participants"],
                    figures.share(cells[group], "participants"),
                )
            )
    for area, target in (defined.get("competency_coverage") or {}).items():
        rows.append(
            _target(
                f"competency_coverage.{area}",
                target,
                figures.share(f"competency_coverage.{area}", "participants"),
            )
        )
    return rows


def report(figures: ProgrammeFigures) -> dict[str, Any]:
    """The programme report of DESIGN.md (`GET /api/v1/programmes/ID/report`)."""
    organisations = [organisation_row(figures, m) for m in figures.members]
    vouchers = figures.definition.get("vouchers")
    voucher_block = None
    if vouchers:
        redeemed = figures.count("vouchers.redeemed")
        voucher_block = {
            "total": vouchers["total"],
            "redeemed": redeemed,
            "remaining": None if redeemed is None else vouchers["total"] - redeemed,
        }
    coverage = None
    if figures.areas:
        coverage = {
            code: figures.share(f"competency_coverage.{code}", "participants")
            for code, _title in figures.areas
        }
    target_rows = targets(figures)
    nulls = _null_fields(figures, organisations, voucher_block, coverage, target_rows)
    return {
        "programme": figures.programme.slug,
        "as_of": figures.as_of.isoformat(),
        "participants": figures.count("participants"),
        "organisations": organisations,
        "targets": target_rows,
        "vouchers": voucher_block,
        "competency_coverage": coverage,
        "suppressed": nulls,
    }


def _null_fields(
    figures: ProgrammeFigures,
    organisations: list[dict[str, Any]],
    vouchers: dict[str, Any] | None,
    coverage: dict[str, Any] | None,
    target_rows: list[dict[str, Any]],
) -> list[str]:
    """Every figure of the report that is null because of suppression, by path."""
    names: list[str] = []
    if figures.count("participants") is None:
        names.append("participants")
    derived = {
        "participants": ("participants", "participation_rate", "cost_share_eur"),
        "manager_participants": ("manager_participants",),
        "first_time_participants": ("first_time_participants",),
        "vouchers_redeemed": ("vouchers_redeemed",),
    }
    for row in organisations:
        for cell, fields_ in derived.items():
            if org_cell(row["id"], cell) in figures.hidden:
                names.extend(
                    org_cell(row["id"], f)
                    for f in fields_
                    if f != "cost_share_eur" or row[f] is None
                )
    if vouchers is not None and vouchers["redeemed"] is None:
        names.extend(["vouchers.redeemed", "vouchers.remaining"])
    if coverage is not None:
        names.extend(f"competency_coverage.{a}" for a, v in coverage.items() if v is None)
    for target in target_rows:
        if target["actual"] is None:
            names.append(f"targets.{target['name']}.actual")
    return sorted(dict.fromkeys(names))


def timeseries(figures: ProgrammeFigures) -> dict[str, Any]:
    """Per month: cumulative participants (new since the last published month), and for voucher
    programmes redeemed and remaining vouchers."""
    increments = [figures.monthly.get(m, 0) for m in figures.months]
    cumulative = coarsen_series(increments, figures.programme.min_cell)
    if figures.count("participants") is None:
        cumulative = [None] * len(cumulative)
    vouchers = figures.definition.get("vouchers")
    redeemed: list[int | None] = [None] * len(figures.months)
    if vouchers:
        redeemed = coarsen_series(
            [figures.monthly_vouchers.get(m, 0) for m in figures.months],
            figures.programme.min_cell,
        )
        if figures.count("vouchers.redeemed") is None:
            redeemed = [None] * len(redeemed)
    rows = []
    last = 0
    for month, value, used in zip(figures.months, cumulative, redeemed, strict=True):
        rows.append(
            {
                "month": month,
                "participants": value,
                "new_participants": None if value is None else value - last,
                "vouchers_redeemed": used if vouchers else None,
                "vouchers_remaining": (vouchers["total"] - used)
                if vouchers and used is not None
                else None,
            }
        )
        if value is not None:
            last = value
    return {
        "programme": figures.programme.slug,
        "as_of": figures.as_of.isoformat(),
        "months": rows,
        "suppressed": [r["month"] for r in rows if r["participants"] is None],
    }


def competencies(figures: ProgrammeFigures) -> dict[str, Any]:
    """Coverage per area and competency, and per organisation and area (the heat map)."""
    defined = (figures.definition.get("targets") or {}).get("competency_coverage") or {}
    areas = []
    for code, title in figures.areas:
        actual = figures.share(f"competency_coverage.{code}", "participants")
        target = defined.get(code)
        areas.append(
            {
                "code": code,
                "title": title,
                "participants": figures.count(f"competency_coverage.{code}"),
                "share": actual,
                "target": target,
                "met": None if target is None or actual is None else actual >= target,
            }
        )
    items = [
        {
            "code": code,
            "area": area,
            "title": title,
            "participants": figures.count(f"competencies.{code}"),
            "share": figures.share(f"competencies.{code}", "participants"),
        }
        for _pk, code, area, title in figures.items
    ]
    by_org: list[dict[str, Any]] = [
        {
            "id": m.slug,
            "name": m.name,
            "areas": {
                code: figures.share(
                    org_cell(m.slug, f"competency_coverage.{code}"),
                    org_cell(m.slug, "participants"),
                )
                for code, _title in figures.areas
            },
        }
        for m in figures.members
    ]
    names = [f"competency_coverage.{a['code']}" for a in areas if a["participants"] is None]
    names += [f"competencies.{i['code']}" for i in items if i["participants"] is None]
    names += [
        org_cell(row["id"], f"competency_coverage.{code}")
        for row in by_org
        for code, value in row["areas"].items()
        if value is None
    ]
    return {
        "programme": figures.programme.slug,
        "framework": figures.programme.framework_slug,
        "as_of": figures.as_of.isoformat(),
        "areas": areas,
        "competencies": items,
        "organisations": by_org,
        "suppressed": sorted(names),
    }


def organisation_detail(figures: ProgrammeFigures, slug: str) -> dict[str, Any] | None:
    member = next((m for m in figures.members if m.slug == slug), None)
    if member is None:
        return None
    row = organisation_row(figures, member)
    rate_target = (figures.definition.get("targets") or {}).get("participation_rate")
    coverage = None
    if figures.areas:
        coverage = {
            code: figures.share(
                org_cell(slug, f"competency_coverage.{code}"), org_cell(slug, "participants")
            )
            for code, _title in figures.areas
        }
    hidden = [name for name in figures.hidden if name.startswith(org_cell(slug, ""))]
    return {
        "programme": figures.programme.slug,
        "as_of": figures.as_of.isoformat(),
        "organisation": row,
        "participation_target": None
        if rate_target is None
        else _target("participation_rate", rate_target, row["participation_rate"]),
        "competency_coverage": coverage,
        "suppressed": sorted(hidden),
    }


def runtime_of(programme: Programme) -> tuple[date, date]:
    runtime = programme.definition["runtime"]
    return date.fromisoformat(runtime["start"]), date.fromisoformat(runtime["end"])
