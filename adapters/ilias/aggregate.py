"""Learning Locker's `/api/statements/aggregate`, the subset ILIAS uses: pipeline -> query plan.

ILIAS (components/ILIAS/CmiXapi) reads its reports through Learning Locker's aggregation API,
a MongoDB pipeline over documents `{"_id", "statement": {...}, "timestamp", "stored",
"voided"}`. The pipelines it sends, from its source:

* statements report (`XapiReport/class.ilCmiXapiStatementsReportLinkBuilder.php`, also the
  results cron job `class.ilXapiResultsCronjob.php`): `$match` on `statement.object.objectType`,
  `statement.actor.objectType`, `statement.verb.id`, `statement.timestamp` `$gt`/`$lt`, an
  `$and` of `$or`s over `statement.object.id` / `statement.context.contextActivities.parent.id`
  `$regex` (`'^' . preg_quote(activity id)`), `statement.actor.mbox`,
  `statement.actor.account.name`, `statement.context.registration`; then `$sort` on one
  field; `$facet` {stage1: [`$group` `_id` null, count `$sum` 1], stage2: [`$skip`,
  `$limit`]}; `$unwind` "$stage1"; `$project` {maxcount: "$stage1.count", statements:
  "$stage2.statement"}. ILIAS takes the first document's `maxcount` and `statements`.
* highscore (`class.ilCmiXapiHighscoreReportLinkBuilder.php`): `$match` (object id equal,
  `statement.result.score.scaled` `$exists`, an `$or` of actors), `$sort` timestamp, `$group`
  by `$statement.actor.mbox` / `$statement.actor.account.name` / null with `$last` and `$push`.
* last statement of a cmi5 session (`class.ilObjCmiXapi.php`, `getLastStatementPipline`):
  `$match` on `statement.context.extensions.https://ilias&46;de/cmi5/activityid` and the cmi5
  sessionid extension (Learning Locker writes a "." inside a key as `&46;`), `$sort`
  timestamp descending, `$limit` 1, `$project` {statement.timestamp: 1, statement.verb.id: 1}.

`parse_pipeline` turns such a pipeline into a `Plan` that the LRS runs as SQL
(lrs/platform_adapters/aggregate_sql.py): the statement-level stages (`$match`, `$sort`,
`$skip`, `$limit`, `$project`, and a `$group`, `$count` or `$facet` of those) become one query
per result; only what the database answers - group rows, one count, a page of statements
streamed row by row - is shaped further in memory (`aggregate_results.apply_post`: `$unwind`,
`$project`, `$sort`, `$skip`, `$limit`, `$count` after a `$group`, `$count` or `$facet`).
Anything else is refused with the path of the stage and operator, e.g.
`pipeline[1].$group.score`.

Semantics kept from MongoDB where ILIAS relies on them: a field path crosses the arrays of a
statement (`contextActivities.parent.id` matches any parent); a comparison matches values of
the same JSON type only; `$ne`/`$nin` also match a missing field; `null` matches missing;
`$push` leaves out missing values; `$group` over no documents gives no document. Beyond that:
`objectType` counts as written when left out (xAPI's default "Activity" for an object,
"Agent" for an actor), `timestamp`/`stored` compare as instants, and `$regex` is limited to
what ILIAS builds - an anchored literal prefix (`^` + escaped text, optionally `$`, `(?i)` or
`$options: "i"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from adapters.ilias.aggregate_plan import (
    ACCUMULATORS,
    DOCUMENT_ROOTS,
    POST_STAGES,
    STREAM_STAGES,
    TIME_PATHS,
    Accumulator,
    And,
    Compare,
    Count,
    Documents,
    Exists,
    Expr,
    Facet,
    FieldPath,
    Group,
    InList,
    LimitStage,
    Nor,
    Or,
    PipelineError,
    Plan,
    PostStage,
    Prefix,
    Project,
    Query,
    SkipStage,
    SortKey,
    SortStage,
    Unwind,
)
from statements.timestamps import parse_timestamp

__all__ = ["PipelineError", "parse_match", "parse_pipeline", "regex_prefix"]


def _field(key: str, path: str, roots: frozenset[str] | None = DOCUMENT_ROOTS) -> FieldPath:
    """A dotted field name as path segments; Learning Locker's `&46;`/`&36;` unescaped."""
    if not isinstance(key, str) or not key or key.startswith("$"):
        raise PipelineError(path, "must be a field name")
    segments = tuple(s.replace("&46;", ".").replace("&36;", "$") for s in key.split("."))
    for segment in segments:
        if not segment:
            raise PipelineError(path, "must not have an empty segment")
        if '"' in segment or segment.isdigit():
            raise PipelineError(path, "array positions and '\"' in field names are not supported")
    if roots is not None and segments[0] not in roots:
        raise PipelineError(
            path, f"must start with one of {', '.join(sorted(roots))} (a statement document)"
        )
    return segments


def _reference(value: Any, path: str, roots: frozenset[str] | None = DOCUMENT_ROOTS) -> FieldPath:
    """A `"$field.path"` expression."""
    if not isinstance(value, str) or not value.startswith("$") or value.startswith("$$"):
        raise PipelineError(path, 'must be a field reference like "$statement.verb.id"')
    return _field(value[1:], path, roots)


def _nonnegative(value: Any, path: str, positive: bool = False) -> int:
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or value < 0 or (positive and value == 0):
        raise PipelineError(path, "must be a positive integer" if positive else "must be >= 0")
    return value


_REGEX_META = set(".+*?[](){}|^$\\")


def regex_prefix(pattern: str, options: str = "") -> tuple[str, bool, bool] | None:
    """(literal prefix, exact, ignore case) of an anchored literal regex; None otherwise.

    ILIAS builds `'^' . preg_quote($activityId)`: preg_quote puts a backslash before every
    character it treats as special, so a backslash before a non-alphanumeric is that character.
    """
    ignore_case = "i" in options
    if pattern.startswith("(?i)"):
        ignore_case, pattern = True, pattern[4:]
    if not pattern.startswith("^"):
        return None
    body, exact = pattern[1:], False
    if body.endswith("$") and not body.endswith("\\$"):
        body, exact = body[:-1], True
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 < len(body) and not body[i + 1].isalnum():
                out.append(body[i + 1])
                i += 2
                continue
            return None
        if char in _REGEX_META:
            return None
        out.append(char)
        i += 1
    return "".join(out), exact, ignore_case


def _value(field_path: FieldPath, value: Any, path: str) -> Any:
    """A comparison value; on `timestamp`/`stored` an instant (string or `{"$dte": ...}`)."""
    if isinstance(value, Mapping) and set(value) == {"$dte"}:
        value = value["$dte"]
        if field_path not in TIME_PATHS:
            raise PipelineError(path, "$dte compares only timestamp and stored")
    if field_path in TIME_PATHS:
        if value is None:
            return None
        if not isinstance(value, str):
            raise PipelineError(path, "must be a timestamp string")
        try:
            return parse_timestamp(value)
        except ValueError:
            raise PipelineError(path, "must be an ISO 8601 timestamp") from None
    if isinstance(value, Mapping) and any(str(k).startswith("$") for k in value):
        raise PipelineError(path, "operators are not allowed inside a value")
    return value


def _is_date(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"$dte"}


_COMPARISONS = {"$eq": "eq", "$ne": "ne", "$gt": "gt", "$gte": "gte", "$lt": "lt", "$lte": "lte"}


def _condition(field_path: FieldPath, value: Any, path: str) -> Expr:
    if not (isinstance(value, Mapping) and value and all(str(k).startswith("$") for k in value)):
        return Compare(field_path, "eq", _value(field_path, value, path))
    items: list[Expr] = []
    options = value.get("$options", "")
    if "$options" in value and ("$regex" not in value or options not in ("", "i")):
        raise PipelineError(f"{path}.$options", 'only "i" with $regex is supported')
    for op, arg in value.items():
        where = f"{path}.{op}"
        if op in _COMPARISONS:
            ordered = _COMPARISONS[op] not in ("eq", "ne")
            if ordered and isinstance(arg, list | Mapping) and not _is_date(arg):
                raise PipelineError(where, "must compare with a string, number or date")
            items.append(Compare(field_path, _COMPARISONS[op], _value(field_path, arg, where)))
        elif op in ("$in", "$nin"):
            if not isinstance(arg, list):
                raise PipelineError(where, "must be an array")
            values = tuple(_value(field_path, v, f"{where}[{i}]") for i, v in enumerate(arg))
            items.append(InList(field_path, values, negate=op == "$nin"))
        elif op == "$exists":
            items.append(Exists(field_path, bool(arg)))
        elif op == "$regex":
            if field_path in TIME_PATHS:
                raise PipelineError(where, "timestamp and stored are instants, not text")
            prefix = regex_prefix(arg, options) if isinstance(arg, str) else None
            if prefix is None:
                raise PipelineError(
                    where, "only anchored literal prefixes are supported: ^ + escaped text"
                )
            items.append(Prefix(field_path, prefix[0], exact=prefix[1], ignore_case=prefix[2]))
        elif op == "$options":
            continue
        else:
            raise PipelineError(
                where,
                "unsupported operator (supported: $eq $ne $gt $gte $lt $lte $in $nin "
                "$exists $regex)",
            )
    return items[0] if len(items) == 1 else And(tuple(items))


def parse_match(spec: Any, path: str) -> Expr:
    """A `$match` query (or one clause of `$and`/`$or`/`$nor`)."""
    if not isinstance(spec, Mapping):
        raise PipelineError(path, "must be an object")
    items: list[Expr] = []
    for key, value in spec.items():
        where = f"{path}.{key}"
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not value:
                raise PipelineError(where, "must be a non-empty array")
            parts = tuple(parse_match(v, f"{where}[{i}]") for i, v in enumerate(value))
            items.append(And(parts) if key == "$and" else Or(parts) if key == "$or" else Nor(parts))
        elif isinstance(key, str) and key.startswith("$"):
            raise PipelineError(where, "unsupported query operator (supported: $and $or $nor)")
        else:
            items.append(_condition(_field(key, where), value, where))
    return items[0] if len(items) == 1 else And(tuple(items))


def _sort(spec: Any, path: str, roots: frozenset[str] | None) -> tuple[SortKey, ...]:
    if not isinstance(spec, Mapping) or not spec:
        raise PipelineError(path, "must be an object of fields and 1 or -1")
    keys = []
    for key, direction in spec.items():
        if direction not in (1, -1) or isinstance(direction, bool):
            raise PipelineError(f"{path}.{key}", "must be 1 or -1")
        keys.append(SortKey(_field(key, f"{path}.{key}", roots), descending=direction == -1))
    return tuple(keys)


def _project(spec: Any, path: str, roots: frozenset[str] | None) -> Project:
    if not isinstance(spec, Mapping) or not spec:
        raise PipelineError(path, "must be a non-empty object")
    fields = []
    include_id = True
    for key, value in spec.items():
        where = f"{path}.{key}"
        if key == "_id" and value in (0, False) and not isinstance(value, float):
            include_id = False
            continue
        out = _field(key, where, None)
        if value in (1, True) and not isinstance(value, float):
            fields.append((out, _field(key, where, roots), True))
        elif isinstance(value, str) and value.startswith("$"):
            fields.append((out, _reference(value, where, roots), False))
        else:
            raise PipelineError(
                where, 'must be 1 (include) or a "$field" reference; only _id can be excluded'
            )
    return Project(tuple(fields), include_id)


def _group(spec: Any, path: str) -> Group:
    if not isinstance(spec, Mapping) or "_id" not in spec:
        raise PipelineError(path, "must be an object with _id")
    key_spec = spec["_id"]
    key: FieldPath | tuple[tuple[str, FieldPath], ...] | None = None
    constant = None
    if isinstance(key_spec, str) and key_spec.startswith("$"):
        key = _reference(key_spec, f"{path}._id")
    elif isinstance(key_spec, Mapping):
        key = tuple((str(k), _reference(v, f"{path}._id.{k}")) for k, v in key_spec.items())
        if not key:
            raise PipelineError(f"{path}._id", "must name at least one field")
    elif isinstance(key_spec, list):
        raise PipelineError(f"{path}._id", "must be null, a constant or field references")
    else:
        constant = key_spec
    accumulators = []
    for name, acc in spec.items():
        if name == "_id":
            continue
        where = f"{path}.{name}"
        if "." in name or name.startswith("$"):
            raise PipelineError(where, "must be a plain output name")
        if not isinstance(acc, Mapping) or len(acc) != 1:
            raise PipelineError(where, 'must be one accumulator, like {"$sum": 1}')
        ((op, arg),) = acc.items()
        if op not in ACCUMULATORS:
            raise PipelineError(
                f"{where}.{op}", f"unsupported accumulator (supported: {' '.join(ACCUMULATORS)})"
            )
        if op == "$count":
            if arg != {}:
                raise PipelineError(f"{where}.$count", "must be {}")
            accumulators.append((name, Accumulator("count")))
        elif op == "$sum" and type(arg) in (int, float):
            accumulators.append((name, Accumulator("sum", constant=arg)))
        else:
            accumulators.append((name, Accumulator(op[1:], _reference(arg, f"{where}.{op}"))))
    return Group(key, tuple(accumulators), constant)


def _count_field(spec: Any, path: str) -> Count:
    if not isinstance(spec, str) or not spec or spec.startswith("$") or "." in spec:
        raise PipelineError(path, "must be the name of the output field")
    return Count(spec)


def _stage(stage: Any, path: str) -> tuple[str, Any]:
    if not isinstance(stage, Mapping) or len(stage) != 1:
        raise PipelineError(path, "must be an object with exactly one stage operator")
    ((name, spec),) = stage.items()
    return str(name), spec


@dataclass
class _Stream:
    """The statement-level stages read so far."""

    match: list[Expr] = field(default_factory=list)
    sort: tuple[SortKey, ...] = ()
    skip: int = 0
    limit: int | None = None
    project: Project | None = None
    windowed: bool = False

    def query(self, output: Documents | Group | Count) -> Query:
        match = (
            None
            if not self.match
            else self.match[0]
            if len(self.match) == 1
            else And(tuple(self.match))
        )
        return Query(match, self.sort, self.skip, self.limit, output)

    def read(self, name: str, spec: Any, path: str) -> None:
        if self.project is not None and name not in ("$skip", "$limit"):
            raise PipelineError(path, f"{name} after $project is not supported")
        if name == "$match":
            if self.windowed:
                raise PipelineError(path, "$match after $skip or $limit is not supported")
            self.match.append(parse_match(spec, f"{path}.$match"))
        elif name == "$sort":
            if self.windowed:
                raise PipelineError(path, "$sort after $skip or $limit is not supported")
            self.sort = _sort(spec, f"{path}.$sort", DOCUMENT_ROOTS)
        elif name == "$skip":
            n = _nonnegative(spec, f"{path}.$skip")
            self.skip += n
            self.limit = None if self.limit is None else max(0, self.limit - n)
            self.windowed = True
        elif name == "$limit":
            n = _nonnegative(spec, f"{path}.$limit", positive=True)
            self.limit = n if self.limit is None else min(self.limit, n)
            self.windowed = True
        elif name == "$project":
            self.project = _project(spec, f"{path}.$project", DOCUMENT_ROOTS)

    def copy(self) -> _Stream:
        return replace(self, match=list(self.match))


def _terminal(stream: _Stream, name: str, spec: Any, path: str) -> Query:
    if stream.project is not None:
        raise PipelineError(path, f"{name} after $project is not supported")
    if name == "$group":
        return stream.query(_group(spec, f"{path}.$group"))
    return stream.query(_count_field(spec, f"{path}.$count"))


def _facet(stream: _Stream, spec: Any, path: str) -> Facet:
    if not isinstance(spec, Mapping) or not spec:
        raise PipelineError(path, "must be an object of named pipelines")
    branches = []
    for name, pipeline in spec.items():
        where = f"{path}.{name}"
        if not isinstance(pipeline, list):
            raise PipelineError(where, "must be an array of stages")
        branch = stream.copy()
        query: Query | None = None
        for i, stage in enumerate(pipeline):
            stage_path = f"{where}[{i}]"
            stage_name, stage_spec = _stage(stage, stage_path)
            if query is not None:
                raise PipelineError(stage_path, "no stage after $group or $count in a $facet")
            if stage_name in ("$group", "$count"):
                query = _terminal(branch, stage_name, stage_spec, stage_path)
            elif stage_name in STREAM_STAGES and stage_name != "$facet":
                branch.read(stage_name, stage_spec, stage_path)
            else:
                raise PipelineError(stage_path, f"unsupported stage {stage_name} in a $facet")
        branches.append((str(name), query or branch.query(Documents(branch.project))))
    return Facet(tuple(branches))


def _post(name: str, spec: Any, path: str, streams: frozenset[str]) -> PostStage:
    if name == "$unwind":
        preserve = False
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"path", "preserveNullAndEmptyArrays"}
            if unknown:
                raise PipelineError(f"{path}.$unwind.{sorted(unknown)[0]}", "not supported")
            preserve = bool(spec.get("preserveNullAndEmptyArrays", False))
            spec = spec.get("path")
        target = _reference(spec, f"{path}.$unwind", None)
        if target[0] in streams:
            raise PipelineError(
                f"{path}.$unwind", "unwinding a list of statements is not supported"
            )
        return Unwind(target, preserve)
    if name == "$project":
        return _project(spec, f"{path}.$project", None)
    if name == "$sort":
        return SortStage(_sort(spec, f"{path}.$sort", None))
    if name == "$skip":
        return SkipStage(_nonnegative(spec, f"{path}.$skip"))
    if name == "$limit":
        return LimitStage(_nonnegative(spec, f"{path}.$limit", positive=True))
    return _count_field(spec, f"{path}.$count")


def parse_pipeline(pipeline: Any) -> Plan:
    """The plan of `pipeline` (parsed JSON); PipelineError for what is not supported."""
    if not isinstance(pipeline, list):
        raise PipelineError("pipeline", "must be an array of stages")
    stream = _Stream()
    source: Query | Facet | None = None
    streams: frozenset[str] = frozenset()  # facet branches that are statement streams
    post: list[PostStage] = []
    for i, stage in enumerate(pipeline):
        path = f"pipeline[{i}]"
        name, spec = _stage(stage, path)
        if source is None:
            if name in ("$group", "$count"):
                source = _terminal(stream, name, spec, path)
            elif name == "$facet":
                if stream.project is not None:
                    raise PipelineError(path, "$facet after $project is not supported")
                source = _facet(stream, spec, f"{path}.$facet")
                streams = frozenset(
                    n for n, q in source.branches if isinstance(q.output, Documents)
                )
            elif name in STREAM_STAGES:
                stream.read(name, spec, path)
            elif name == "$unwind":
                raise PipelineError(path, "$unwind of statement arrays is not supported")
            else:
                raise PipelineError(
                    path, f"unsupported stage {name} (supported: {' '.join(STREAM_STAGES)} $unwind)"
                )
        elif name in POST_STAGES:
            post.append(_post(name, spec, path, streams))
        else:
            raise PipelineError(
                path, f"after $group, $count or $facet only {' '.join(POST_STAGES)} are supported"
            )
    if source is None:
        source = stream.query(Documents(stream.project))
    return Plan(source, tuple(post))
