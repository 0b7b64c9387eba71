"""The query plan of a Learning Locker aggregation pipeline (adapters.ilias.aggregate).

Neutral data: what to match, in which order, which window, and what to return - statement
documents, groups or a count - plus the stages that shape those (small) results afterwards.
The LRS renders a plan as SQL (lrs/platform_adapters/aggregate_sql.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

FieldPath: TypeAlias = tuple[str, ...]
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

# What a Learning Locker statement document has at its top level (that Lernspur provides).
DOCUMENT_ROOTS = frozenset({"_id", "statement", "timestamp", "stored", "voided"})
TIME_PATHS: frozenset[FieldPath] = frozenset(
    {("timestamp",), ("stored",), ("statement", "timestamp"), ("statement", "stored")}
)
# The arrays of a stored statement (contextActivities are always arrays once stored).
ARRAY_FIELDS: frozenset[FieldPath] = frozenset(
    [
        ("statement", "context", "contextActivities", k)
        for k in ("parent", "grouping", "category", "other")
    ]
    + [
        ("statement", "actor", "member"),
        ("statement", "object", "member"),
        ("statement", "context", "team", "member"),
        ("statement", "context", "contextAgents"),
        ("statement", "context", "contextGroups"),
        ("statement", "attachments"),
    ]
    + [
        ("statement", "object", "definition", k)
        for k in ("choices", "scale", "source", "target", "steps", "correctResponsesPattern")
    ]
)
ACCUMULATORS = ("$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$count")
STREAM_STAGES = ("$match", "$sort", "$skip", "$limit", "$project", "$group", "$count", "$facet")
POST_STAGES = ("$unwind", "$project", "$sort", "$skip", "$limit", "$count")


class PipelineError(ValueError):
    """A pipeline this translator does not run: where (`pipeline[1].$group.score`) and why."""

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


@dataclass(frozen=True)
class Compare:
    """`path` op `value`; op is eq, ne, gt, gte, lt, lte. Time paths carry datetimes."""

    path: FieldPath
    op: str
    value: Any


@dataclass(frozen=True)
class InList:
    path: FieldPath
    values: tuple[Any, ...]
    negate: bool = False


@dataclass(frozen=True)
class Exists:
    path: FieldPath
    exists: bool


@dataclass(frozen=True)
class Prefix:
    """A string field starting with `prefix` (or equal to it, when `exact`)."""

    path: FieldPath
    prefix: str
    exact: bool = False
    ignore_case: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Nor:
    items: tuple[Expr, ...]


Expr: TypeAlias = Compare | InList | Exists | Prefix | And | Or | Nor


@dataclass(frozen=True)
class SortKey:
    path: FieldPath
    descending: bool = False


@dataclass(frozen=True)
class Project:
    """Output paths and where they come from: `include` prunes the document to `source`
    (MongoDB's `field: 1`), otherwise the value at `source` is set at `output`."""

    fields: tuple[tuple[FieldPath, FieldPath, bool], ...]  # (output, source, include)
    include_id: bool = True


@dataclass(frozen=True)
class Accumulator:
    """op: sum, avg, min, max, first, last, push, count; `path` None means `constant`."""

    op: str
    path: FieldPath | None = None
    constant: int | float | None = None


@dataclass(frozen=True)
class Group:
    """`key`: None (one group), a path, or named paths (`_id: {name: "$path"}`)."""

    key: FieldPath | tuple[tuple[str, FieldPath], ...] | None
    accumulators: tuple[tuple[str, Accumulator], ...]
    key_constant: Any = None


@dataclass(frozen=True)
class Documents:
    project: Project | None = None


@dataclass(frozen=True)
class Count:
    field: str


@dataclass(frozen=True)
class Query:
    """Statements matching `match`, ordered, a window of them, and what to return."""

    match: Expr | None = None
    sort: tuple[SortKey, ...] = ()
    skip: int = 0
    limit: int | None = None
    output: Documents | Group | Count = field(default_factory=Documents)


@dataclass(frozen=True)
class Facet:
    branches: tuple[tuple[str, Query], ...]


@dataclass(frozen=True)
class Unwind:
    path: FieldPath
    preserve_empty: bool = False


@dataclass(frozen=True)
class SortStage:
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class SkipStage:
    n: int


@dataclass(frozen=True)
class LimitStage:
    n: int


PostStage: TypeAlias = Unwind | Project | SortStage | SkipStage | LimitStage | Count


@dataclass(frozen=True)
class Plan:
    source: Query | Facet
    post: tuple[PostStage, ...] = ()


def split_array(path: FieldPath) -> tuple[FieldPath, FieldPath] | None:
    """(the array, the path inside each element) if `path` crosses an array of a statement."""
    for n in range(2, len(path)):
        if path[:n] in ARRAY_FIELDS:
            return path[:n], path[n:]
    return None
