"""Competency frameworks as plain data, and the IMS CASE JSON reader.

A framework is a tree of items; each item has a stable identifier (CASE `identifier`, Moodle
"ID number"), a code that catalogues and programmes use (CASE `humanCodingScheme`, Moodle
"ID number"), and a parent. The top-level items are the framework's areas (D, F, V, S in the
example model). Readers of platform formats live in `adapters/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from statements.errors import Problem, StatementInvalid


@dataclass(frozen=True)
class ItemDef:
    identifier: str
    code: str
    title: str
    parent: str | None = None  # identifier of the parent item; None for an area
    uri: str | None = None
    item_type: str | None = None


@dataclass(frozen=True)
class FrameworkDef:
    identifier: str
    title: str
    source: str  # "case" or "moodle"
    uri: str | None = None
    items: tuple[ItemDef, ...] = field(default_factory=tuple)

    def problems(self) -> list[Problem]:
        """What makes the tree unusable: duplicate identifiers or codes, unknown parents,
        cycles."""
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        codes: dict[str, int] = {}
        for i, item in enumerate(self.items):
            if item.identifier in seen:
                problems.append(Problem(f"items[{i}].identifier", "must be unique"))
            seen[item.identifier] = i
            if item.code in codes:
                problems.append(Problem(f"items[{i}].code", f"{item.code!r} appears twice"))
            codes[item.code] = i
        parents = {item.identifier: item.parent for item in self.items}
        for i, item in enumerate(self.items):
            if item.parent is not None and item.parent not in parents:
                problems.append(Problem(f"items[{i}].parent", f"unknown item {item.parent!r}"))
                continue
            hops, node = 0, item.parent
            while node is not None and hops <= len(parents):
                node, hops = parents.get(node), hops + 1
            if hops > len(parents):
                problems.append(Problem(f"items[{i}].parent", "the hierarchy has a cycle"))
        return problems

    def area_of(self) -> dict[str, str]:
        """identifier -> code of its top-level ancestor (its area)."""
        by_id = {item.identifier: item for item in self.items}
        areas: dict[str, str] = {}
        for item in self.items:
            node, hops = item, 0
            while node.parent is not None and node.parent in by_id and hops < len(by_id):
                node, hops = by_id[node.parent], hops + 1
            areas[item.identifier] = node.code
        return areas


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def read_case(package: Any) -> FrameworkDef:
    """A framework from an IMS CASE 1.0 JSON package (CFDocument, CFItems, CFAssociations).

    The hierarchy comes from `isChildOf` associations (origin is the child); an item that is a
    child of the document, or of nothing, is an area. Raises StatementInvalid with field paths.
    """
    problems: list[Problem] = []
    if not isinstance(package, Mapping):
        raise StatementInvalid([Problem("$", "must be a CASE package (a JSON object)")])
    document = package.get("CFDocument")
    if not isinstance(document, Mapping):
        raise StatementInvalid([Problem("CFDocument", "is required")])
    doc_id = _text(document.get("identifier"))
    if doc_id is None:
        problems.append(Problem("CFDocument.identifier", "is required"))
    raw_items = package.get("CFItems")
    if not isinstance(raw_items, list):
        raise StatementInvalid([*problems, Problem("CFItems", "must be a list")])
    parents: dict[str, str] = {}
    associations = package.get("CFAssociations") or []
    if not isinstance(associations, list):
        problems.append(Problem("CFAssociations", "must be a list"))
        associations = []
    item_ids = {str(item.get("identifier")) for item in raw_items if isinstance(item, Mapping)}
    for j, assoc in enumerate(associations):
        if not isinstance(assoc, Mapping) or assoc.get("associationType") != "isChildOf":
            continue
        origin = assoc.get("originNodeURI") or {}
        destination = assoc.get("destinationNodeURI") or {}
        child = _text(origin.get("identifier")) if isinstance(origin, Mapping) else None
        parent = _text(destination.get("identifier")) if isinstance(destination, Mapping) else None
        if child is None or parent is None:
            problems.append(
                Problem(f"CFAssociations[{j}]", "isChildOf needs origin and destination")
            )
            continue
        if parent in item_ids:
            parents[child] = parent
    items: list[ItemDef] = []
    for i, raw in enumerate(raw_items):
        if not isinstance(raw, Mapping):
            problems.append(Problem(f"CFItems[{i}]", "must be an object"))
            continue
        identifier = _text(raw.get("identifier"))
        code = _text(raw.get("humanCodingScheme"))
        title = _text(raw.get("fullStatement")) or _text(raw.get("abbreviatedStatement"))
        if identifier is None:
            problems.append(Problem(f"CFItems[{i}].identifier", "is required"))
        if code is None:
            problems.append(
                Problem(f"CFItems[{i}].humanCodingScheme", "is required (the competency code)")
            )
        if title is None:
            problems.append(Problem(f"CFItems[{i}].fullStatement", "is required"))
        if identifier is None or code is None or title is None:
            continue
        items.append(
            ItemDef(
                identifier=identifier,
                code=code,
                title=title,
                parent=parents.get(identifier),
                uri=_text(raw.get("uri")),
                item_type=_text(raw.get("CFItemType")),
            )
        )
    if problems:
        raise StatementInvalid(problems)
    framework = FrameworkDef(
        identifier=str(doc_id),
        title=_text(document.get("title")) or str(doc_id),
        source="case",
        uri=_text(document.get("uri")),
        items=tuple(items),
    )
    if framework.problems():
        raise StatementInvalid(framework.problems())
    return framework
