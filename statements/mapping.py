"""The mapping of statements onto competency evidence and programme participation.

Pure functions over statements and definitions: no Flask, no database. The store calls
`map_statements` for every batch it stores (projections kept current in the same transaction),
and `lernspur projections rebuild` calls it over every stored statement, so both paths give the
same facts by construction.

Rules (DESIGN.md, "Programme report"):
- Evidence: a statement whose verb is an evidence verb (completed, passed, mastered) on a
  catalogue course evidences that course's competencies; one that names a framework item's URI
  as its object or in `context.contextActivities` evidences that item.
- Participation: for each programme the statement's organisation belongs to, a statement whose
  verb is one of the programme's completion verbs is a completion fact (on any activity: whether
  someone trained before the runtime decides `first_time`), marked eligible when its activity is
  one of the programme's eligible courses; a statement with the programme's voucher verb on an
  eligible course is a redemption fact.
- Voided statements yield nothing; a voiding statement names the statement whose facts go.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from statements.identifiers import ifi_key
from statements.timestamps import parse_timestamp

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
EVIDENCE_VERBS = frozenset(
    {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
        "http://adlnet.gov/expapi/verbs/mastered",
    }
)

COMPLETION = "completion"
REDEMPTION = "redemption"


class StatementView(NamedTuple):
    """What the mapping reads of a stored statement (all of it indexed in the store).

    Views and facts are named tuples, not dataclasses: a rebuild makes a million of them, and
    a tuple is built several times faster than a frozen dataclass."""

    ref: Hashable  # the store's key of the statement (its primary key), passed through to facts
    org: Hashable
    actor: str | None  # the actor's identifier key (`statements.identifiers.ifi_key`)
    verb: str
    activity: str | None  # the object's id when the object is an Activity
    context_activities: tuple[str, ...]
    timestamp: datetime
    voided: bool = False
    voids: str | None = None  # for a voiding statement: the id of the statement it voids


@dataclass(frozen=True, slots=True)
class ProgrammeRules:
    key: Hashable
    orgs: frozenset[Hashable]
    completion_verbs: frozenset[str]
    eligible: frozenset[str]  # activity ids of the eligible courses
    voucher_verb: str | None = None


@dataclass(frozen=True)
class Definitions:
    """Catalogue, frameworks and programmes, reduced to what the mapping needs."""

    course_items: Mapping[str, tuple[Hashable, ...]] = field(default_factory=dict)
    item_by_uri: Mapping[str, Hashable] = field(default_factory=dict)
    programmes: Sequence[ProgrammeRules] = ()
    evidence_verbs: frozenset[str] = EVIDENCE_VERBS
    catalogue: frozenset[str] = frozenset()  # activity ids of every catalogue course

    def relevant_verbs(self) -> frozenset[str]:
        verbs = set(self.evidence_verbs)
        for programme in self.programmes:
            verbs |= programme.completion_verbs
            if programme.voucher_verb:
                verbs.add(programme.voucher_verb)
        return frozenset(verbs)


class EvidenceFact(NamedTuple):
    statement: Hashable
    org: Hashable
    actor: str
    item: Hashable
    at: datetime


class ParticipationFact(NamedTuple):
    statement: Hashable
    programme: Hashable
    kind: str  # COMPLETION or REDEMPTION
    org: Hashable
    actor: str
    activity: str | None
    eligible: bool
    at: datetime


@dataclass
class Facts:
    evidence: list[EvidenceFact] = field(default_factory=list)
    participation: list[ParticipationFact] = field(default_factory=list)
    voids: list[str] = field(default_factory=list)  # ids of statements whose facts must go


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def context_activity_ids(stmt: Mapping[str, Any]) -> tuple[str, ...]:
    """Ids of the statement's context activities (parent, grouping, category, other)."""
    context = stmt.get("context") or {}
    groups = context.get("contextActivities") or {}
    ids: list[str] = []
    for kind in ("parent", "grouping", "category", "other"):
        for activity in _as_list(groups.get(kind)):
            if isinstance(activity, Mapping) and isinstance(activity.get("id"), str):
                ids.append(activity["id"])
    return tuple(ids)


def view_of(
    stmt: Mapping[str, Any], ref: Hashable, org: Hashable, voided: bool = False
) -> StatementView:
    """The view of an xAPI statement (as stored: with id and timestamp)."""
    obj = stmt.get("object") or {}
    object_type = obj.get("objectType", "Activity")
    verb = str((stmt.get("verb") or {}).get("id", ""))
    actor = stmt.get("actor")
    return StatementView(
        ref=ref,
        org=org,
        actor=ifi_key(actor) if isinstance(actor, Mapping) else None,
        verb=verb,
        activity=obj.get("id") if object_type == "Activity" else None,
        context_activities=context_activity_ids(stmt),
        timestamp=parse_timestamp(str(stmt["timestamp"])),
        voided=voided,
        voids=str(obj.get("id")).lower()
        if verb == VOIDED and object_type == "StatementRef"
        else None,
    )


def map_statement(view: StatementView, definitions: Definitions, facts: Facts) -> None:
    """Add the facts of one statement to `facts`."""
    if view.voids is not None:
        facts.voids.append(view.voids)
        return
    if view.voided or view.actor is None:
        return
    if view.verb in definitions.evidence_verbs:
        items: dict[Hashable, None] = {}
        if view.activity is not None:
            for item in definitions.course_items.get(view.activity, ()):
                items[item] = None
            if view.activity in definitions.item_by_uri:
                items[definitions.item_by_uri[view.activity]] = None
        for iri in view.context_activities:
            if iri in definitions.item_by_uri:
                items[definitions.item_by_uri[iri]] = None
        facts.evidence.extend(
            EvidenceFact(view.ref, view.org, view.actor, item, view.timestamp) for item in items
        )
    for programme in definitions.programmes:
        if view.org not in programme.orgs:
            continue
        eligible = view.activity is not None and view.activity in programme.eligible
        if view.verb in programme.completion_verbs:
            facts.participation.append(
                ParticipationFact(
                    view.ref,
                    programme.key,
                    COMPLETION,
                    view.org,
                    view.actor,
                    view.activity,
                    eligible,
                    view.timestamp,
                )
            )
        if eligible and view.verb == programme.voucher_verb:
            facts.participation.append(
                ParticipationFact(
                    view.ref,
                    programme.key,
                    REDEMPTION,
                    view.org,
                    view.actor,
                    view.activity,
                    True,
                    view.timestamp,
                )
            )


def map_statements(views: Iterable[StatementView], definitions: Definitions) -> Facts:
    """Evidence and participation facts of `views`, and the statements they void."""
    facts = Facts()
    for view in views:
        map_statement(view, definitions, facts)
    return facts


@dataclass(frozen=True)
class ProgrammeFigures:
    """Per programme: who participated, who had completed before, vouchers redeemed."""

    participants: frozenset[tuple[Hashable, str]]  # (org, actor)
    trained_before: frozenset[tuple[Hashable, str]]
    redemptions: frozenset[tuple[Hashable, str, str | None]]  # (org, actor, activity)


@dataclass(frozen=True)
class Figures:
    evidence: frozenset[tuple[Hashable, str, Hashable]]  # (org, actor, item)
    programmes: Mapping[Hashable, ProgrammeFigures]


def figures(
    statements: Sequence[Mapping[str, Any]],
    org: Hashable,
    definitions: Definitions,
    runtimes: Mapping[Hashable, tuple[datetime, datetime]],
) -> Figures:
    """The figures of one organisation's statement history, after voiding (reference model).

    `runtimes` maps each programme to its [start, end) interval. Used by tests as the model
    the database projections must agree with.
    """
    voided = {
        str(s["object"]["id"]).lower()
        for s in statements
        if (s.get("verb") or {}).get("id") == VOIDED
        and (s.get("object") or {}).get("objectType") == "StatementRef"
    }
    views = [
        view_of(s, str(s["id"]).lower(), org, voided=str(s["id"]).lower() in voided)
        for s in statements
    ]
    facts = map_statements(views, definitions)
    evidence = frozenset((f.org, f.actor, f.item) for f in facts.evidence)
    programmes: dict[Hashable, ProgrammeFigures] = {}
    for programme in definitions.programmes:
        start, end = runtimes[programme.key]
        mine = [f for f in facts.participation if f.programme == programme.key]
        programmes[programme.key] = ProgrammeFigures(
            participants=frozenset(
                (f.org, f.actor)
                for f in mine
                if f.kind == COMPLETION and f.eligible and start <= f.at < end
            ),
            trained_before=frozenset(
                (f.org, f.actor) for f in mine if f.kind == COMPLETION and f.at < start
            ),
            redemptions=frozenset(
                (f.org, f.actor, f.activity)
                for f in mine
                if f.kind == REDEMPTION and start <= f.at < end
            ),
        )
    return Figures(evidence=evidence, programmes=programmes)
