"""Moodle's activity IRIs, as logstore_xapi writes them.

`src/transformer/utils/get_activity/course.php`: `<wwwroot>/course/view.php?id=<course id>`;
`.../course_module.php`: `<wwwroot>/mod/<module name>/view.php?id=<course module id>`;
`.../site.php`: `<wwwroot>` itself (the site, used as `contextActivities.category`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adapters.urls import canonical_root

__all__ = ["MoodleActivity", "course_iri", "module_iri", "parse_activity"]

_ACTIVITY = re.compile(
    r"(?P<root>.+?)/(?:course/view\.php\?id=(?P<course>\d+)"
    r"|mod/(?P<mod>[a-z][a-z0-9_]*)/view\.php\?id=(?P<cmid>\d+))",
    re.ASCII,
)


@dataclass(frozen=True)
class MoodleActivity:
    root: str
    kind: str  # "course" or the module name ("quiz", "scorm", "lti", ...)
    id: int

    @property
    def iri(self) -> str:
        if self.kind == "course":
            return course_iri(self.root, self.id)
        return module_iri(self.root, self.kind, self.id)


def course_iri(root: str, course_id: int) -> str:
    return f"{canonical_root(root)}/course/view.php?id={course_id}"


def module_iri(root: str, module: str, cmid: int) -> str:
    return f"{canonical_root(root)}/mod/{module}/view.php?id={cmid}"


def parse_activity(iri: str) -> MoodleActivity | None:
    """A Moodle course or course-module view URL taken apart; None for anything else."""
    match = _ACTIVITY.fullmatch(iri.strip())
    if match is None:
        return None
    root = canonical_root(match["root"])
    if match["course"] is not None:
        return MoodleActivity(root, "course", int(match["course"]))
    return MoodleActivity(root, match["mod"], int(match["cmid"]))
