"""Running an aggregation plan (adapters.ilias.aggregate) as SQL on the statements table.

Learning Locker's documents are the stored statements: `statement` is the JSON body, `_id` the
statement id, `timestamp`/`stored` the indexed instants. Field paths become JSON expressions -
`body #> '{actor,mbox}'` on PostgreSQL (JSONB), `json_extract(body, '$."actor"."mbox"')` and
`json_type` on SQLite - except where a column holds the same value: `statement.verb.id`
(verb_iri), `timestamp`/`stored` (compared as instants), `statement.context.registration`,
`_id`. A path crossing a statement array becomes an EXISTS over its elements
(`jsonb_array_elements` / `json_each`). Every query is scoped to the credential's organisation
(and, for `statements/read/mine`, to its own statements) and leaves voided statements out.

`$group` runs as one pass of window functions partitioned by the key - `first_value`,
`last_value` and `jsonb_agg`/`json_group_array` in the order of the preceding `$sort` - keeping
one row per group. Statement lists are not read here: `StatementStream` fetches them row by row
while the response is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    Numeric,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from adapters.ilias.aggregate_plan import (
    MISSING,
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
    Nor,
    Or,
    Plan,
    Prefix,
    Query,
    SortKey,
    split_array,
)
from adapters.ilias.aggregate_results import DocumentStream, apply_post, lookup, project
from lrs.statement_store.models import Statement

STREAM_BATCH = 500
# xAPI's defaults of objectType (1.0.3 Part 2, 2.4.2.1 and 2.4.4): counted as if written.
DEFAULT_TEXT: dict[FieldPath, str] = {
    ("statement", "object", "objectType"): "Activity",
    ("statement", "actor", "objectType"): "Agent",
}
# Learning Locker's top-level fields, as parts of the stored statement.
TOP_LEVEL: dict[FieldPath, FieldPath] = {
    ("_id",): ("statement", "id"),
    ("timestamp",): ("statement", "timestamp"),
    ("stored",): ("statement", "stored"),
}
# json_type() names on SQLite of the JSON types (PostgreSQL's jsonb_typeof names).
_SQLITE_TYPES = {
    "string": ("text",),
    "number": ("integer", "real"),
    "boolean": ("true", "false"),
    "null": ("null",),
}


class _Json:
    """JSON access on one dialect, over the statement body or an array element."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def _path(self, path: FieldPath) -> Any:
        if self.pg:
            return literal(list(path), ARRAY(Text))
        return literal("$" + "".join(f'."{segment}"' for segment in path))

    def base(self, column: Any) -> Any:
        return type_coerce(column, JSONB) if self.pg else type_coerce(column, Text)

    def value(self, base: Any, path: FieldPath) -> Any:
        """The JSON value itself (jsonb / JSON text); NULL when missing."""
        if not path:
            return base
        if self.pg:
            return base.op("#>", return_type=JSONB)(self._path(path))
        return base.op("->", return_type=Text)(self._path(path))

    def _raw_type(self, base: Any, path: FieldPath) -> Any:
        if self.pg:
            return func.jsonb_typeof(self.value(base, path))
        return func.json_type(base, self._path(path)) if path else func.json_type(base)

    def is_(self, base: Any, path: FieldPath, kind: str) -> Any:
        """The value at `path` is a JSON string, number, boolean or null."""
        raw = self._raw_type(base, path)
        if self.pg:
            return raw == kind
        return raw.in_(_SQLITE_TYPES[kind])

    def present(self, base: Any, path: FieldPath) -> Any:
        return self._raw_type(base, path).is_not(None)

    def text(self, base: Any, path: FieldPath) -> Any:
        if self.pg:
            if not path:
                return base.op("#>>", return_type=Text)(literal([], ARRAY(Text)))
            return base.op("#>>", return_type=Text)(self._path(path)).collate("C")
        return func.json_extract(base, self._path(path)) if path else base

    def number(self, base: Any, path: FieldPath) -> Any:
        if self.pg:
            return cast(base.op("#>>", return_type=Text)(self._path(path)), Numeric)
        return func.json_extract(base, self._path(path))

    def elements(self, base: Any, path: FieldPath) -> Any:
        """The elements of the array at `path` (none if it is not an array), column `value`."""
        if self.pg:
            array = self.value(base, path)
            safe = case(
                (func.jsonb_typeof(array) == "array", array), else_=cast(literal("[]"), JSONB)
            )
            return func.jsonb_array_elements(safe).table_valued("value").alias()
        return func.json_each(base, self._path(path)).table_valued("value").alias()

    def element_base(self, elements: Any) -> Any:
        return type_coerce(elements.c.value, JSONB) if self.pg else elements.c.value

    def json_literal(self, value: Any) -> Any:
        dumped = orjson.dumps(value).decode()
        return cast(literal(dumped), JSONB) if self.pg else func.json(literal(dumped))


def _negate(condition: Any) -> Any:
    """NOT, with a missing field (NULL) counting as "does not match" before negation."""
    return not_(func.coalesce(condition, false()))


class _Renderer:
    def __init__(self, dialect: str, s: Any) -> None:
        self.json = _Json(dialect)
        self.s = s
        self.body = self.json.base(s.body)

    # -- conditions -----------------------------------------------------------------------

    def expr(self, e: Expr) -> Any:
        if isinstance(e, And):
            return and_(true(), *(self.expr(i) for i in e.items))
        if isinstance(e, Or):
            return or_(false(), *(self.expr(i) for i in e.items))
        if isinstance(e, Nor):
            return _negate(or_(false(), *(self.expr(i) for i in e.items)))
        if isinstance(e, Compare) and e.op == "ne":
            return _negate(self.expr(Compare(e.path, "eq", e.value)))
        if isinstance(e, InList):
            found = or_(false(), *(self.expr(Compare(e.path, "eq", v)) for v in e.values))
            return _negate(found) if e.negate else found
        return self._leaf(e)

    def _leaf(self, e: Compare | Exists | Prefix) -> Any:
        path = TOP_LEVEL.get(e.path, e.path)
        s = self.s
        if path in (("timestamp",), ("statement", "timestamp")):
            return self._instant(e, s.timestamp_at)
        if path in (("stored",), ("statement", "stored")):
            return self._instant(e, s.stored_at)
        if path == ("voided",):
            return self._constant(e, False)
        if path == ("statement", "verb", "id"):
            return self._text_column(e, s.verb_iri)
        if path in DEFAULT_TEXT:
            default = literal(DEFAULT_TEXT[path])
            return self._text_column(e, func.coalesce(self.json.text(self.body, path[1:]), default))
        if path in (("_id",), ("statement", "id")) and not isinstance(e, Prefix):
            return self._uuid_column(e, s.statement_id)
        registration = path == ("statement", "context", "registration")
        if registration and (isinstance(e, Exists) or (isinstance(e, Compare) and e.op == "eq")):
            return self._uuid_column(e, s.registration)
        if path[0] != "statement":
            return false() if not isinstance(e, Exists) or e.exists else true()
        crossing = split_array(path)
        if crossing is not None:
            array, rest = crossing
            elements = self.json.elements(self.body, array[1:])
            inner = self._json_leaf(e, self.json.element_base(elements), rest, exists_check=True)
            found = exists(select(literal(1)).select_from(elements).where(inner))
            return _negate(found) if isinstance(e, Exists) and not e.exists else found
        return self._json_leaf(e, self.body, path[1:])

    def _constant(self, e: Compare | Exists | Prefix, value: Any) -> Any:
        if isinstance(e, Exists):
            return true() if e.exists else false()
        if isinstance(e, Compare) and e.op == "eq":
            return true() if e.value == value else false()
        return false()

    def _instant(self, e: Compare | Exists | Prefix, column: Any) -> Any:
        if isinstance(e, Exists):
            return true() if e.exists else false()
        if not isinstance(e, Compare) or not isinstance(e.value, datetime):
            return false()
        return {
            "eq": column == e.value,
            "gt": column > e.value,
            "gte": column >= e.value,
            "lt": column < e.value,
            "lte": column <= e.value,
        }[e.op]

    def _text_column(self, e: Compare | Exists | Prefix, column: Any) -> Any:
        if isinstance(e, Exists):
            return true() if e.exists else false()
        if isinstance(e, Prefix):
            return self._prefix(column, e)
        if not isinstance(e.value, str):
            return false()
        return _ordered(column, e.op, e.value)

    def _uuid_column(self, e: Compare | Exists, column: Any) -> Any:
        if isinstance(e, Exists):
            return column.is_not(None) if e.exists else column.is_(None)
        try:
            value = uuid.UUID(e.value) if isinstance(e.value, str) else None
        except ValueError:
            value = None
        if e.op != "eq" or value is None:
            return false()
        return column == value

    def _prefix(self, text: Any, e: Prefix) -> Any:
        if e.ignore_case:
            text, prefix = func.lower(text), literal(e.prefix.lower())
        else:
            prefix = literal(e.prefix)
        if e.exact:
            return text == prefix
        return func.substr(text, 1, len(e.prefix)) == prefix

    def _json_leaf(
        self, e: Compare | Exists | Prefix, base: Any, path: FieldPath, exists_check: bool = False
    ) -> Any:
        json = self.json
        if isinstance(e, Exists):
            present = json.present(base, path)
            return present if e.exists or exists_check else not_(present)
        if isinstance(e, Prefix):
            return and_(json.is_(base, path, "string"), self._prefix(json.text(base, path), e))
        value = e.value
        if e.op == "eq":
            if value is None:  # MongoDB: null matches null and missing
                return or_(not_(json.present(base, path)), json.is_(base, path, "null"))
            if isinstance(value, bool):
                if json.pg:
                    text = json.text(base, path)
                    return and_(json.is_(base, path, "boolean"), text == str(value).lower())
                return json._raw_type(base, path) == ("true" if value else "false")
            if isinstance(value, int | float):
                return and_(json.is_(base, path, "number"), json.number(base, path) == value)
            if isinstance(value, str):
                return and_(json.is_(base, path, "string"), json.text(base, path) == value)
            if json.pg:
                return json.value(base, path) == json.json_literal(value)
            return func.json(json.value(base, path)) == json.json_literal(value)
        if isinstance(value, bool) or value is None:
            return false()
        if isinstance(value, int | float):
            number = _ordered(json.number(base, path), e.op, value)
            return and_(json.is_(base, path, "number"), number)
        if isinstance(value, str):
            text = _ordered(json.text(base, path), e.op, value)
            return and_(json.is_(base, path, "string"), text)
        return false()

    # -- values ---------------------------------------------------------------------------

    def value(self, path: FieldPath) -> Any:
        """The JSON value at a document path, for output (group keys, accumulators)."""
        path = TOP_LEVEL.get(path, path)
        if path == ("voided",):
            return self.json.json_literal(False)
        if path[0] != "statement":
            return literal(None)
        raw = self.json.value(self.body, path[1:])
        null = cast(literal("null"), JSONB) if self.json.pg else literal("null")
        return func.nullif(raw, null)  # JSON null and missing are one thing to MongoDB

    def sort(self, key: SortKey) -> Any:
        path = TOP_LEVEL.get(key.path, key.path)
        s = self.s
        column: Any
        if path == ("statement", "timestamp"):
            column = s.timestamp_at
        elif path == ("statement", "stored"):
            column = s.stored_at
        elif path == ("statement", "verb", "id"):
            column = s.verb_iri
        elif path in DEFAULT_TEXT:
            column = func.coalesce(self.json.text(self.body, path[1:]), DEFAULT_TEXT[path])
        elif path[0] != "statement":
            column = literal(None)
        elif self.json.pg:
            column = self.json.value(self.body, path[1:])
        else:
            column = func.json_extract(self.body, self.json._path(path[1:]))
        return column.desc().nulls_last() if key.descending else column.asc().nulls_first()


def _ordered(column: Any, op: str, value: Any) -> Any:
    return {
        "eq": column == value,
        "gt": column > value,
        "gte": column >= value,
        "lt": column < value,
        "lte": column <= value,
    }[op]


class _Scope:
    """Which statements a query may see: the organisation's, not voided, maybe only mine."""

    def __init__(self, session: Session, org_pk: int, credential_pk: int | None) -> None:
        self.session = session
        self.org_pk = org_pk
        self.credential_pk = credential_pk
        self.dialect = session.get_bind().dialect.name

    def renderer(self) -> _Renderer:
        return _Renderer(self.dialect, aliased(Statement, name="s"))

    def where(self, r: _Renderer, query: Query) -> list[Any]:
        s = r.s
        conditions = [s.org_pk == self.org_pk, s.voided == false()]
        if self.credential_pk is not None:
            conditions.append(s.credential_pk == self.credential_pk)
        if query.match is not None:
            conditions.append(r.expr(query.match))
        return conditions

    def order(self, r: _Renderer, query: Query) -> list[Any]:
        return [*(r.sort(k) for k in query.sort), r.s.pk.asc()]

    def window(self, r: _Renderer, query: Query) -> Select[Any]:
        """The statements of the query, ordered and windowed ($skip/$limit)."""
        select_ = select(r.s.pk).where(*self.where(r, query)).order_by(*self.order(r, query))
        if query.skip:
            select_ = select_.offset(query.skip)
        if query.limit is not None:
            select_ = select_.limit(query.limit)
        return select_


class StatementStream(DocumentStream):
    """Statement documents of a query, fetched in batches while the response is written."""

    def __init__(self, scope: _Scope, query: Query, path: FieldPath = ()) -> None:
        self.scope = scope
        self.query = query
        self.path = path

    def select(self, path: FieldPath) -> StatementStream:
        return StatementStream(self.scope, self.query, self.path + tuple(path))

    def _rows(self) -> Iterator[Any]:
        r = self.scope.renderer()
        s = r.s
        sql = (
            select(s.statement_id, cast(s.body, Text))
            .where(*self.scope.where(r, self.query))
            .order_by(*self.scope.order(r, self.query))
        )
        if self.query.skip:
            sql = sql.offset(self.query.skip)
        if self.query.limit is not None:
            sql = sql.limit(self.query.limit)
        result = self.scope.session.execute(sql.execution_options(yield_per=STREAM_BATCH))
        yield from result

    def json_items(self) -> Iterator[bytes]:
        """Each document (or the value at `path` of each) as JSON, without building a list."""
        assert isinstance(self.query.output, Documents)
        projection = self.query.output.project
        for statement_id, body in self._rows():
            if projection is None and self.path == ("statement",):
                yield body.encode()  # the stored JSON as it is
                continue
            doc = _document(statement_id, orjson.loads(body))
            if projection is not None:
                doc = project(doc, projection)
            value = lookup(doc, self.path)
            if value is not MISSING:  # missing values are left out, as in MongoDB
                yield orjson.dumps(value)

    def __iter__(self) -> Iterator[Any]:
        return (orjson.loads(item) for item in self.json_items())


def _document(statement_id: Any, body: dict[str, Any]) -> dict[str, Any]:
    """A Learning Locker statement document."""
    return {
        "_id": str(statement_id),
        "statement": body,
        "timestamp": body.get("timestamp"),
        "stored": body.get("stored"),
        "voided": False,
    }


def _decode(value: Any, pg: bool) -> Any:
    if value is None or pg:
        return value
    return orjson.loads(value) if isinstance(value, str) else value


def _number(value: Any) -> Any:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _group(scope: _Scope, query: Query, group: Group) -> list[dict[str, Any]]:
    r = scope.renderer()
    s = r.s
    json = r.json
    pg = json.pg
    keys = [(name, r.value(path)) for name, path in _key_paths(group)]
    window = _Window([k for _, k in keys], [*(r.sort(k) for k in query.sort), s.pk.asc()])
    columns: list[Any] = [k.label(f"k{i}") for i, (_, k) in enumerate(keys)]
    for i, (_name, acc) in enumerate(group.accumulators):
        columns += _accumulator(r, acc, window, i)
    columns.append(window.ordered(func.row_number()).label("rn"))
    where = [s.org_pk == scope.org_pk]
    if query.skip or query.limit is not None:
        where.append(s.pk.in_(scope.window(scope.renderer(), query).scalar_subquery()))
    else:
        where += scope.where(r, query)[1:]
    inner = select(*columns).where(*where).subquery()
    names = [c.name for c in inner.c if c.name != "rn"]
    outer = select(*(inner.c[n] for n in names)).where(inner.c.rn == 1)
    if keys:
        outer = outer.order_by(*(inner.c[f"k{i}"] for i in range(len(keys))))
    out = []
    for row in scope.session.execute(outer).mappings():
        doc: dict[str, Any] = {}
        if group.key is None:
            doc["_id"] = group.key_constant
        elif keys[0][0] is None:
            doc["_id"] = _decode(row["k0"], pg)
        else:
            doc["_id"] = {name: _decode(row[f"k{i}"], pg) for i, (name, _) in enumerate(keys)}
        for i, (name, acc) in enumerate(group.accumulators):
            doc[name] = _accumulated(acc, row, i, pg)
        out.append(doc)
    return out


class _Window:
    """OVER clauses of one group: the whole group, or the group in `$sort` order."""

    def __init__(self, partition: list[Any], order: list[Any]) -> None:
        self.partition = partition or None
        self.order = order

    def group(self, function: Any) -> Any:
        return function.over(partition_by=self.partition)

    def ordered(self, function: Any) -> Any:
        return function.over(partition_by=self.partition, order_by=self.order)

    def whole(self, function: Any) -> Any:
        return function.over(partition_by=self.partition, order_by=self.order, rows=(None, None))


def _key_paths(group: Group) -> list[tuple[str | None, FieldPath]]:
    key: Any = group.key
    if key is None:
        return []
    if all(isinstance(part, str) for part in key):
        return [(None, tuple(key))]
    return [(str(name), tuple(path)) for name, path in key]


def _accumulator(r: _Renderer, acc: Accumulator, window: _Window, i: int) -> list[Any]:
    json = r.json
    function: Any
    if acc.op == "count" or acc.path is None:
        return [window.group(func.count()).label(f"a{i}")]
    path = TOP_LEVEL.get(acc.path, acc.path)
    if acc.op in ("first", "last"):
        function = func.first_value if acc.op == "first" else func.last_value
        return [window.whole(function(r.value(path))).label(f"a{i}")]
    if acc.op == "push":
        value = r.value(path)
        aggregate = func.jsonb_agg(value) if json.pg else func.json_group_array(func.json(value))
        return [window.whole(aggregate.filter(value.is_not(None))).label(f"a{i}")]
    if path[0] != "statement":
        return [literal(None).label(f"a{i}"), literal(None).label(f"b{i}")]
    number = case((json.is_(r.body, path[1:], "number"), json.number(r.body, path[1:])))
    if acc.op in ("sum", "avg"):
        function = func.sum if acc.op == "sum" else func.avg
        return [window.group(function(number)).label(f"a{i}")]
    text = case((json.is_(r.body, path[1:], "string"), json.text(r.body, path[1:])))
    function = func.min if acc.op == "min" else func.max
    return [
        window.group(function(number)).label(f"a{i}"),
        window.group(function(text)).label(f"b{i}"),
    ]


def _accumulated(acc: Accumulator, row: Any, i: int, pg: bool) -> Any:
    value = row[f"a{i}"]
    if acc.op == "count":
        return int(value)
    if acc.path is None:  # $sum of a constant
        return _number(acc.constant) * int(value) if acc.constant is not None else None
    if acc.op in ("first", "last"):
        return _decode(value, pg)
    if acc.op == "push":
        return _decode(value, pg) or []
    if acc.op == "sum":
        return _number(value) if value is not None else 0
    if acc.op == "avg":
        return float(value) if value is not None else None
    text = row.get(f"b{i}")
    if acc.op == "min":  # MongoDB orders numbers before strings
        return _number(value) if value is not None else text
    return text if text is not None else _number(value)


def _count(scope: _Scope, query: Query, count: Count) -> list[dict[str, Any]]:
    r = scope.renderer()
    window = scope.window(r, query).subquery()
    total = scope.session.scalar(select(func.count()).select_from(window))
    return [{count.field: int(total or 0)}] if total else []


def _run(scope: _Scope, query: Query) -> Any:
    if isinstance(query.output, Group):
        return _group(scope, query, query.output)
    if isinstance(query.output, Count):
        return _count(scope, query, query.output)
    return StatementStream(scope, query)


def run_plan(
    session: Session, org_pk: int, credential_pk: int | None, plan: Plan
) -> StatementStream | list[dict[str, Any]]:
    """The result of `plan`: a list of documents, or a stream of statement documents."""
    scope = _Scope(session, org_pk, credential_pk)
    if isinstance(plan.source, Facet):
        docs = [{name: _run(scope, query) for name, query in plan.source.branches}]
    else:
        result = _run(scope, plan.source)
        if isinstance(result, StatementStream):
            return result
        docs = result
    return apply_post(docs, plan.post)


def encode(value: Any) -> Iterator[bytes]:
    """JSON of a result, streaming the statement lists in it."""
    if isinstance(value, StatementStream):
        yield b"["
        first = True
        for item in value.json_items():
            yield item if first else b"," + item
            first = False
        yield b"]"
    elif isinstance(value, dict):
        yield b"{"
        for i, (key, inner) in enumerate(value.items()):
            yield (b"," if i else b"") + orjson.dumps(str(key)) + b":"
            yield from encode(inner)
        yield b"}"
    elif isinstance(value, list | tuple):
        yield b"["
        for i, inner in enumerate(value):
            if i:
                yield b","
            yield from encode(inner)
        yield b"]"
    else:
        yield orjson.dumps(value)
