"""Errors of statement validation: every problem names a field path and the rule it breaks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule at one place, e.g. `statements[2].verb.id` / `must be an absolute IRI`."""

    path: str
    rule: str


class StatementInvalid(ValueError):
    """Input that is not a valid xAPI statement (or batch). Carries at least one problem."""

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0] if self.problems else None
        self.message = message or (
            f"{first.path}: {first.rule}" if first is not None else "invalid statement"
        )
        super().__init__(self.message)
