"""Shaping the results of an aggregation in memory: `$unwind`, `$project`, `$sort`, ... after
a `$group`, `$count` or `$facet` (adapters.ilias.aggregate).

These stages only ever see what the database answered - group rows, a count, and statement
lists as `DocumentStream`s that the LRS streams row by row when it writes the response.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from adapters.ilias.aggregate_plan import (
    MISSING,
    FieldPath,
    LimitStage,
    PostStage,
    Project,
    SkipStage,
    SortKey,
    SortStage,
    Unwind,
)


class DocumentStream(ABC):
    """Statement documents the LRS streams from the database, not held in memory.

    `select(path)` stands for `[doc at path for doc in stream]` (MongoDB's `"$branch.path"`).
    """

    @abstractmethod
    def select(self, path: FieldPath) -> DocumentStream: ...

    @abstractmethod
    def __iter__(self) -> Iterator[Any]: ...


def lookup(value: Any, path: Sequence[str]) -> Any:
    """The value at `path`, MongoDB-style across arrays; MISSING if there is none."""
    for i, key in enumerate(path):
        if isinstance(value, list):
            found = (lookup(v, path[i:]) for v in value if isinstance(v, Mapping))
            return [v for v in found if v is not MISSING]
        if isinstance(value, DocumentStream):
            return value.select(tuple(path[i:]))
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def _include(value: Any, path: Sequence[str]) -> Any:
    if not path:
        return value
    if isinstance(value, list):
        return [
            x
            for x in (_include(v, path) for v in value if isinstance(v, Mapping))
            if x is not MISSING
        ]
    if isinstance(value, DocumentStream):
        return value.select(tuple(path))
    if isinstance(value, Mapping) and path[0] in value:
        inner = _include(value[path[0]], path[1:])
        return MISSING if inner is MISSING else {path[0]: inner}
    return MISSING


def _merge(into: dict[str, Any], value: Mapping[str, Any]) -> None:
    for key, inner in value.items():
        if isinstance(inner, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], inner)
        else:
            into[key] = dict(inner) if isinstance(inner, Mapping) else inner


def project(doc: Mapping[str, Any], spec: Project) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.include_id and "_id" in doc:
        out["_id"] = doc["_id"]
    for output, source, include in spec.fields:
        if include:
            value = _include(doc, source)
            if value is not MISSING:
                _merge(out, value)
            continue
        value = lookup(doc, source)
        if value is MISSING:
            continue
        target = out
        for key in output[:-1]:
            target = target.setdefault(key, {})
        target[output[-1]] = value
    return out


_TYPE_ORDER = {type(None): 0, int: 1, float: 1, str: 2, dict: 3, list: 4, bool: 5}


def _sort_key(doc: Mapping[str, Any], keys: Sequence[SortKey]) -> list[Any]:
    out: list[Any] = []
    for key in keys:
        value = lookup(doc, key.path)
        value = None if value is MISSING else value
        rank = _TYPE_ORDER.get(type(value), 6)
        comparable = value if isinstance(value, int | float | str) else str(value)
        out.append((rank, comparable))
    return out


def _by(key: SortKey) -> Callable[[Mapping[str, Any]], list[Any]]:
    return lambda doc: _sort_key(doc, [key])


def apply_post(docs: list[dict[str, Any]], stages: Sequence[PostStage]) -> list[dict[str, Any]]:
    """Run the stages after a `$group`, `$count` or `$facet` on their (small) result."""
    for stage in stages:
        if isinstance(stage, Unwind):
            unwound = []
            for doc in docs:
                value = lookup(doc, stage.path)
                if isinstance(value, list) and value:
                    for item in value:
                        copy = dict(doc)
                        target = copy
                        for key in stage.path[:-1]:
                            target[key] = dict(target[key])
                            target = target[key]
                        target[stage.path[-1]] = item
                        unwound.append(copy)
                elif isinstance(value, list) or value is MISSING or value is None:
                    if stage.preserve_empty:
                        unwound.append(doc)
                else:
                    unwound.append(doc)
            docs = unwound
        elif isinstance(stage, Project):
            docs = [project(d, stage) for d in docs]
        elif isinstance(stage, SortStage):
            for sort_key in reversed(stage.keys):  # stable sorts, least significant key first
                docs = sorted(docs, key=_by(sort_key), reverse=sort_key.descending)
        elif isinstance(stage, SkipStage):
            docs = docs[stage.n :]
        elif isinstance(stage, LimitStage):
            docs = docs[: stage.n]
        else:
            docs = [{stage.field: len(docs)}] if docs else []
    return docs
