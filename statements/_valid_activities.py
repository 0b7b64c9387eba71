"""Activities and Activity Definitions (xAPI 1.0.3, Part 2, 2.4.4.1), for the validator."""

from __future__ import annotations

from typing import Any

from statements._valid_common import (
    MISSING,
    add,
    extensions,
    iri,
    language_map,
    required,
    unknown,
    wrong,
)
from statements._valid_iri import is_iri
from statements.errors import Problem

_ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
_DEFINITION_KEYS = frozenset(
    {"name", "description", "type", "moreInfo", "extensions", "interactionType",
     "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}
)  # fmt: skip
_INTERACTION_KEYS = _DEFINITION_KEYS - {"name", "description", "type", "moreInfo", "extensions"}
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
# 2.4.4.1.s14 "Interaction Components": the component lists each interactionType supports.
_LISTS_BY_TYPE: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
_COMPONENT_KEYS = frozenset({"id", "description"})


def activity(out: list[Problem], path: str, obj: dict[str, Any]) -> None:
    """2.4.4.1: objectType "Activity" (optional, checked by the caller), id (IRI, required),
    definition (optional). An Activity with only an id is complete."""
    if not obj.keys() <= _ACTIVITY_KEYS:
        unknown(out, path, obj, _ACTIVITY_KEYS)
    activity_id = obj.get("id", MISSING)
    if activity_id is MISSING:
        required(out, path, "id")
    elif type(activity_id) is not str or not is_iri(activity_id):
        iri(out, f"{path}.id", activity_id)
    definition = obj.get("definition", MISSING)
    if definition is not MISSING:
        _definition(out, f"{path}.definition", definition)


def activity_only(out: list[Problem], path: str, obj: object) -> None:
    """An object that must be an Activity (contextActivities values, 2.4.6.2.s4.b2)."""
    if type(obj) is not dict:
        wrong(out, path, obj, "an Activity (an object)")
        return
    object_type = obj.get("objectType", "Activity")
    if object_type != "Activity":
        wrong(out, f"{path}.objectType", object_type, '"Activity"')
        return
    activity(out, path, obj)


def _definition(out: list[Problem], path: str, definition: object) -> None:
    """2.4.4.1.s2 (Activity Definition); every property is optional, so {} is valid."""
    if type(definition) is not dict:
        wrong(out, path, definition, "an object (Activity Definition)")
        return
    if not definition.keys() <= _DEFINITION_KEYS:
        unknown(out, path, definition, _DEFINITION_KEYS)
    value = definition.get("name", MISSING)
    if value is not MISSING:
        language_map(out, f"{path}.name", value)
    value = definition.get("description", MISSING)
    if value is not MISSING:
        language_map(out, f"{path}.description", value)
    value = definition.get("type", MISSING)
    if value is not MISSING and (type(value) is not str or not is_iri(value)):
        iri(out, f"{path}.type", value)
    value = definition.get("moreInfo", MISSING)
    if value is not MISSING and (type(value) is not str or not is_iri(value)):
        iri(out, f"{path}.moreInfo", value)
    value = definition.get("extensions", MISSING)
    if value is not MISSING:
        extensions(out, f"{path}.extensions", value)
    if not definition.keys().isdisjoint(_INTERACTION_KEYS):
        _interaction(out, path, definition)


def _interaction(out: list[Problem], path: str, definition: dict[str, Any]) -> None:
    """2.4.4.1.s8-s16: interactionType, correctResponsesPattern, interaction components.

    s13.b1 "Interaction Activities MUST have a valid interactionType" (so it is required as
    soon as a pattern or a component list is used: conformance suite XAPI-00064); s13.b3 lets
    the LRS reject the remaining properties when they do not fit the interactionType, which is
    done for component lists the type does not support (s14).
    """
    interaction_type = definition.get("interactionType", MISSING)
    supported: frozenset[str] | None = None
    if interaction_type is MISSING:
        add(
            out,
            f"{path}.interactionType",
            "required when correctResponsesPattern or interaction components are used",
        )
    elif type(interaction_type) is not str:
        wrong(out, f"{path}.interactionType", interaction_type, "a string")
    else:
        supported = _LISTS_BY_TYPE.get(interaction_type)
        if supported is None:
            add(
                out,
                f"{path}.interactionType",
                "must be one of true-false, choice, fill-in, long-fill-in, matching, "
                "performance, sequencing, likert, numeric, other (case-sensitive)",
            )
    patterns = definition.get("correctResponsesPattern", MISSING)
    if patterns is not MISSING:
        if type(patterns) is not list:
            wrong(out, f"{path}.correctResponsesPattern", patterns, "an array of strings")
        else:
            for i, pattern in enumerate(patterns):
                if type(pattern) is not str:
                    wrong(out, f"{path}.correctResponsesPattern[{i}]", pattern, "a string")
    for list_name in _COMPONENT_LISTS:
        components = definition.get(list_name, MISSING)
        if components is MISSING:
            continue
        if supported is not None and list_name not in supported:
            add(out, f"{path}.{list_name}", f"not allowed for interactionType {interaction_type}")
        _components(out, f"{path}.{list_name}", components)


def _components(out: list[Problem], path: str, components: object) -> None:
    """2.4.4.1.s15: id (string, required) and description (language map); s16.b1: "Within an
    array of interaction components, all id values MUST be distinct"."""
    if type(components) is not list:
        wrong(out, path, components, "an array of interaction components")
        return
    seen: set[str] = set()
    for i, component in enumerate(components):
        where = f"{path}[{i}]"
        if type(component) is not dict:
            wrong(out, where, component, "an interaction component (an object)")
            continue
        if not component.keys() <= _COMPONENT_KEYS:
            unknown(out, where, component, _COMPONENT_KEYS)
        component_id = component.get("id", MISSING)
        if component_id is MISSING:
            required(out, where, "id")
        elif type(component_id) is not str:
            wrong(out, f"{where}.id", component_id, "a string")
        elif component_id in seen:
            add(out, f"{where}.id", "must be distinct within the list")
        else:
            seen.add(component_id)
        description = component.get("description", MISSING)
        if description is not MISSING:
            language_map(out, f"{where}.description", description)
