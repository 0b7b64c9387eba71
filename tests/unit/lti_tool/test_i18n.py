"""Every string the LTI pages show has its German translation (German is the default)."""

from __future__ import annotations

import re
from pathlib import Path

import lti_tool
from lrs.web import i18n
from lti_tool import i18n as _lti_strings  # noqa: F401  (registers the strings)

PACKAGE = Path(lti_tool.__file__).parent
CALL = re.compile(r'(?:\b_|gettext)\(\s*"((?:[^"\\]|\\.)*)"')


def _shown_strings() -> set[str]:
    found: set[str] = set()
    for path in [*PACKAGE.glob("templates/lti/*.html"), *PACKAGE.glob("*.py")]:
        found.update(CALL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_lti_string_has_a_german_translation():
    strings = _shown_strings()
    assert len(strings) > 50
    missing = sorted(s for s in strings if s not in i18n._german)
    assert missing == []
