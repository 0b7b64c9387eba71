"""The `format` parameter of GET /statements, language choice, and the stored shape of a statement.

xAPI 1.0.3, Part 3, 2.1.3 (GET Statements, table row "format"; "Language Filtering Requirements
for Canonical Format Statements", 2.1.3.s4); 2.0, Part 3, 1.1.6.1 (same wording). Part 2, 2.4.6.2
for contextActivities arrays.

Functions here take statements already validated by `statements.validation` and never change
their arguments: every result is a fresh structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from statements.identifiers import ifi_key, ifi_only

__all__ = [
    "FORMATS",
    "best_language",
    "canonical_language_map",
    "format_statement",
    "normalise_for_storage",
    "parse_accept_language",
]

Format = Literal["exact", "ids", "canonical"]
FORMATS: tuple[Format, ...] = ("exact", "ids", "canonical")

# Interaction component lists of an Activity definition (1.0.3 Part 2, 2.4.4.1.1).
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")

_LANGUAGE_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)
_QVALUE = re.compile(r"0(?:\.\d{0,3})?|1(?:\.0{0,3})?", re.ASCII)


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), faster than `copy.deepcopy`."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


def _copy_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) for k, v in value.items()}


# --- Accept-Language and language maps ------------------------------------------------------


def parse_accept_language(header: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, most preferred first.

    RFC 7231, 5.3.5 / RFC 2616, 14.4 (to which 1.0.3 Part 3, 2.1.3.s4.b5 points): ranges are
    ordered by q-value, ties keep header order; a range with q=0 means "not acceptable" and is
    dropped, as are entries that are not well-formed. No header gives an empty list: "all
    languages are equally acceptable".
    """
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")):
        language, *params = (piece.strip() for piece in entry.split(";"))
        if not _LANGUAGE_RANGE.fullmatch(language):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.fullmatch(value) else -1.0
        if quality > 0:
            ranked.append((-quality, position, language))
    return [language for _, _, language in sorted(ranked)]


def _matches(language_range: str, tag: str) -> bool:
    """RFC 2616, 14.4 basic filtering: equal, or a prefix of the tag followed by "-"."""
    return tag == language_range or tag.startswith(language_range + "-")


def best_language(available: Iterable[str], languages: Sequence[str]) -> str | None:
    """The key of a language map to show a client whose preferences are `languages`.

    First the RFC 2616, 14.4 match of each range in order of preference (an exact tag before a
    longer one it prefixes; "*" takes anything), then the same with each range shortened subtag
    by subtag (RFC 4647, 3.4 "Lookup": "de-AT" falls back to "de"), then the map's first entry:
    1.0.3 Part 3, 2.1.3.s4.b1 requires exactly one language in the canonical format even when
    none is acceptable. Tags compare case-insensitively (RFC 5646, 2.1.1). None for an empty map.
    """
    keys = list(available)
    if not keys:
        return None
    folded = [key.lower() for key in keys]

    def find(language_range: str) -> str | None:
        if language_range == "*":
            return keys[0]
        for key, tag in zip(keys, folded, strict=True):
            if tag == language_range:
                return key
        for key, tag in zip(keys, folded, strict=True):
            if _matches(language_range, tag):
                return key
        return None

    ranges = [language.lower() for language in languages]
    for language_range in ranges:
        found = find(language_range)
        if found is not None:
            return found
    for language_range in ranges:
        subtags = language_range.split("-")
        while len(subtags) > 1:
            subtags.pop()
            if len(subtags[-1]) == 1:  # RFC 4647, 3.4: never end on a singleton ("x", "u")
                continue
            found = find("-".join(subtags))
            if found is not None:
                return found
    return keys[0]


def canonical_language_map(
    language_map: Mapping[str, str], languages: Sequence[str]
) -> dict[str, str]:
    """The language map reduced to its one best entry (1.0.3 Part 3, 2.1.3.s4.b1, b4, b5)."""
    key = best_language(language_map, languages)
    return {} if key is None else {key: language_map[key]}


# --- format=ids -----------------------------------------------------------------------------


def _ids_actor(actor: Mapping[str, Any]) -> dict[str, Any]:
    """Agent or Identified Group: objectType and IFI. Anonymous Group: its members' IFIs.

    1.0.3 Part 3, 2.1.3 row "format": "For Anonymous Groups this means including the minimum
    information needed to identify each member."
    """
    if ifi_key(actor) is not None:
        return ifi_only(actor)
    reduced: dict[str, Any] = {"objectType": actor.get("objectType", "Group")}
    if "member" in actor:
        reduced["member"] = [ifi_only(member) for member in actor["member"]]
    return reduced


def _ids_object(obj: Mapping[str, Any]) -> dict[str, Any]:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        # Only the id: the ADL suite (XAPI-00171) expects exactly one key for an Activity.
        return {"id": obj["id"]}
    if object_type in ("Agent", "Group"):
        return _ids_actor(obj)
    if object_type == "SubStatement":
        return _ids_statement(obj)
    return _copy_dict(obj)  # StatementRef is ids only already


def _ids_activities(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {"id": value["id"]}
    return [{"id": activity["id"]} for activity in value]


def _ids_context(context: Mapping[str, Any]) -> dict[str, Any]:
    out = _copy_dict(context)
    for role in ("instructor", "team"):
        if isinstance(context.get(role), Mapping):
            out[role] = _ids_actor(context[role])
    activities = context.get("contextActivities")
    if isinstance(activities, Mapping):
        out["contextActivities"] = {k: _ids_activities(v) for k, v in activities.items()}
    # 2.0, Part 2, 2.2.2.5: contextAgents carry an "agent", contextGroups a "group".
    for prop, member in (("contextAgents", "agent"), ("contextGroups", "group")):
        if isinstance(context.get(prop), list):
            out[prop] = [
                {**_copy(item), member: _ids_actor(item[member])}
                if isinstance(item.get(member), Mapping)
                else _copy(item)
                for item in context[prop]
            ]
    return out


def _ids_statement(stmt: Mapping[str, Any]) -> dict[str, Any]:
    out = _copy_dict(stmt)
    for role in ("actor", "authority"):
        if isinstance(stmt.get(role), Mapping):
            out[role] = _ids_actor(stmt[role])
    if isinstance(stmt.get("verb"), Mapping):
        out["verb"] = {"id": stmt["verb"]["id"]}
    if isinstance(stmt.get("object"), Mapping):
        out["object"] = _ids_object(stmt["object"])
    if isinstance(stmt.get("context"), Mapping):
        out["context"] = _ids_context(stmt["context"])
    return out


# --- format=canonical -----------------------------------------------------------------------


def _canonical_definition(
    definition: Mapping[str, Any], languages: Sequence[str]
) -> dict[str, Any]:
    out = _copy_dict(definition)
    for prop in ("name", "description"):
        if isinstance(definition.get(prop), Mapping):
            out[prop] = canonical_language_map(definition[prop], languages)
    for prop in _COMPONENT_LISTS:
        components = definition.get(prop)
        if isinstance(components, list):
            out[prop] = [
                {**_copy(c), "description": canonical_language_map(c["description"], languages)}
                if isinstance(c, Mapping) and isinstance(c.get("description"), Mapping)
                else _copy(c)
                for c in components
            ]
    return out


class _Canonical:
    """One canonical-format pass: the client's languages and the LRS's Activity definitions."""

    def __init__(
        self, languages: Sequence[str], definitions: Mapping[str, Mapping[str, Any]] | None
    ) -> None:
        self.languages = languages
        self.definitions = definitions or {}

    def activity(self, activity: Mapping[str, Any]) -> dict[str, Any]:
        out = _copy_dict(activity)
        definition = self.definitions.get(activity.get("id", ""), activity.get("definition"))
        if isinstance(definition, Mapping):
            out["definition"] = _canonical_definition(definition, self.languages)
        return out

    def activities(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return self.activity(value)
        return [self.activity(activity) for activity in value]

    def statement(self, stmt: Mapping[str, Any]) -> dict[str, Any]:
        out = _copy_dict(stmt)
        verb = stmt.get("verb")
        if isinstance(verb, Mapping) and isinstance(verb.get("display"), Mapping):
            out["verb"] = {
                **_copy(verb),
                "display": canonical_language_map(verb["display"], self.languages),
            }
        obj = stmt.get("object")
        if isinstance(obj, Mapping):
            object_type = obj.get("objectType", "Activity")
            if object_type == "Activity":
                out["object"] = self.activity(obj)
            elif object_type == "SubStatement":
                out["object"] = self.statement(obj)
        context = stmt.get("context")
        if isinstance(context, Mapping) and isinstance(context.get("contextActivities"), Mapping):
            out["context"] = {
                **_copy(context),
                "contextActivities": {
                    k: self.activities(v) for k, v in context["contextActivities"].items()
                },
            }
        if isinstance(stmt.get("attachments"), list):
            out["attachments"] = [self.attachment(a) for a in stmt["attachments"]]
        return out

    def attachment(self, attachment: Mapping[str, Any]) -> dict[str, Any]:
        out = _copy_dict(attachment)
        for prop in ("display", "description"):
            if isinstance(attachment.get(prop), Mapping):
                out[prop] = canonical_language_map(attachment[prop], self.languages)
        return out


# --- entry points ---------------------------------------------------------------------------


def format_statement(
    stmt: Mapping[str, Any],
    fmt: str,
    languages: Sequence[str] = (),
    *,
    definitions: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The statement as GET /statements returns it for `format` = `fmt` (1.0.3 Part 3, 2.1.3).

    * "exact": unchanged (a copy): "populated exactly as they were when the Statement was
      received".
    * "ids": "only include minimum information necessary in Agent, Activity, Verb and Group
      Objects to identify them" - Agents and Identified Groups keep objectType and IFI, an
      Anonymous Group its members' IFIs, an Activity its id, a Verb its id. Applied to actor,
      object, authority, context instructor/team/contextActivities, 2.0 contextAgents and
      contextGroups, and inside a SubStatement.
    * "canonical": Activities and Verbs "after applying the language filtering process" - every
      language map of a Verb, an Activity definition (name, description, interaction components)
      and an Attachment is reduced to the one entry `best_language` picks for `languages`
      (from `parse_accept_language`); Agents and Groups "as in exact mode". `definitions` maps
      Activity ids to the LRS's canonical definition; when given, it replaces the definition the
      statement carried (2.1.3 row "format": "populated with the canonical definition of the
      Activity Objects ... as determined by the LRS").

    ValueError for any other `fmt` (the edge maps it to 400).
    """
    if fmt == "exact":
        return _copy_dict(stmt)
    if fmt == "ids":
        return _ids_statement(stmt)
    if fmt == "canonical":
        return _Canonical(languages, definitions).statement(stmt)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def _normalise_context(context: Mapping[str, Any]) -> Mapping[str, Any]:
    activities = context.get("contextActivities")
    if not isinstance(activities, Mapping) or not any(
        isinstance(value, Mapping) for value in activities.values()
    ):
        return context
    out = dict(context)
    out["contextActivities"] = {
        key: [value] if isinstance(value, Mapping) else value for key, value in activities.items()
    }
    return out


def normalise_for_storage(stmt: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a valid statement in the shape the LRS stores and returns.

    Every contextActivities value becomes an array, in the statement and in a SubStatement:
    1.0.3 Part 2, 2.4.6.2.s4.b3 "The LRS MUST return every value in the contextActivities Object
    as an array, even if it arrived as a single Activity Object" and b4 "... as an array of length
    one containing the same Activity" (2.0, Part 3, 1.2.4.2, same words). Storing that shape once
    means every format, and the `exact` one, returns it. The input is never changed; the copy
    shares every part that needs no change with it (this runs once per ingested statement).
    """
    out = dict(stmt)
    if isinstance(stmt.get("context"), Mapping):
        out["context"] = _normalise_context(stmt["context"])
    obj = stmt.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        out["object"] = normalise_for_storage(obj)
    return out
