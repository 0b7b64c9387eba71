"""RFC 5646 language tags (the keys of xAPI language maps and `context.language`).

xAPI 1.0.3, Part 2, 2.2.s4.b2: "The LRS MUST at least validate that the sequence of token lengths
for language map keys matches the RFC 5646 standard." Checked here: the tag is well-formed
(RFC 5646, 2.1 ABNF, including the grandfathered tags of 2.2.8), and the two conditions of
"valid" (2.2.9) that need no registry: no duplicate variant subtags and no duplicate extension
singletons ("zh-z-aaa-z-bbb" is rejected, as the conformance suite expects). Whether a subtag is
registered with IANA is not checked. Matching is case-insensitive (2.1.1).
"""

from __future__ import annotations

import re

__all__ = ["is_language_tag"]

_IRREGULAR = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn"
    "|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE"
)
_REGULAR = "art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
_ALNUM = "[A-Za-z0-9]"
_LANGTAG = (
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language ["-" extlang]
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?P<variants>(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*)"  # variants
    rf"(?P<extensions>(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*)"  # extensions
    rf"(?:-[Xx](?:-{_ALNUM}{{1,8}})+)?"  # privateuse
)
# ABNF extlang is 3ALPHA *2("-" 3ALPHA), and only after a 2-3 letter language: hence {0,3}.
_TAG = re.compile(
    rf"(?:{_LANGTAG}|[Xx](?:-{_ALNUM}{{1,8}})+|(?:{_IRREGULAR}|{_REGULAR}))",
    re.IGNORECASE | re.ASCII,
)

_known: set[str] = set()
_KNOWN_MAX = 4096


def _no_duplicates(variants: str, extensions: str) -> bool:
    if variants.count("-") > 1:
        seen = variants.lower().split("-")[1:]
        if len(set(seen)) != len(seen):
            return False
    if extensions:
        singletons = [part for part in extensions.lower().split("-")[1:] if len(part) == 1]
        if len(set(singletons)) != len(singletons):
            return False
    return True


def is_language_tag(value: str) -> bool:
    """True if `value` is a well-formed RFC 5646 tag without duplicate variants or singletons."""
    if value in _known:
        return True
    match = _TAG.fullmatch(value)
    if match is None or not value.isascii():
        return False
    variants, extensions = match["variants"], match["extensions"]
    if (variants or extensions) and not _no_duplicates(variants, extensions):
        return False
    if len(_known) >= _KNOWN_MAX:
        _known.clear()
    _known.add(value)
    return True
