"""String formats of xAPI statement values other than IRIs and language tags.

Each check is a precompiled expression plus, where the expression cannot say it, a range check.
The decisions (what counts as a Timestamp in 1.0.3 and in 2.0, which durations) are explained
where they are made; `statements.timestamps.parse_timestamp` parses everything `is_timestamp`
accepts.
"""

from __future__ import annotations

import re

from statements.timestamps import parse_timestamp

__all__ = [
    "is_content_type",
    "is_duration",
    "is_mbox",
    "is_sha1_hex",
    "is_sha2_hex",
    "is_timestamp",
    "is_uuid",
    "is_version",
]

# xAPI 1.0.3, Part 2, 4.4: "UUIDs MUST be in the standard string form" (RFC 4122, 3:
# 8-4-4-4-12 hex digits; hex digits are case-insensitive on input). Variant and version are
# only recommended ("It is recommended variant 2 ... is used"), so any are accepted.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: str) -> bool:
    """True for a UUID in the hyphenated 36-character form, in either case."""
    return len(value) == 36 and _UUID.fullmatch(value) is not None


# Timestamps. 1.0.3, Part 2, 4.5: "MUST be formatted according to ISO 8601" (s1.b1), "SHOULD* be
# expressed using the format described in RFC 3339" (b2), "SHOULD* include the time zone" (b4).
# Accepted: the ISO 8601 extended calendar date-time with seconds, a fraction after "." or ","
# (ISO 8601, 4.2.2.4), and an optional offset "Z", "+hh:mm", "+hhmm" or "+hh". Basic format,
# reduced precision, week and ordinal dates are not accepted: no xAPI client sends them and
# the store's parser (statements.timestamps) reads exactly this set.
_DATE_TIME = (
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)"
)
_TIMESTAMP_1 = re.compile(
    _DATE_TIME + r"(?:[.,]\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?", re.ASCII
)
# 2.0 (IEEE 9274.1.1), Part 2, 2.2.7: "A Timestamp MUST be expressed using the format described in
# RFC 3339": RFC 3339, 5.6 `date-time`, so seconds and an offset ("Z" or "+hh:mm") are required
# and the fraction uses ".". "t" and "z" may be lower case (RFC 3339, 5.6, note).
_TIMESTAMP_2 = re.compile(
    _DATE_TIME + r"(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)", re.ASCII
)
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_NEGATIVE_ZERO = ("-00", "-0000", "-00:00")


def is_timestamp(value: str, v2: bool) -> bool:
    """True for an xAPI Timestamp (1.0.x when `v2` is false, 2.0.x when it is true).

    Fields are range-checked, February 29 only in leap years, year 0000 is refused (no such
    year in the proleptic Gregorian calendar Python's datetime uses); second 60 (a leap second)
    is allowed as RFC 3339, 5.7 allows it. The offsets "-00", "-0000" and "-00:00" are rejected:
    RFC 3339, 4.3 makes "-00:00" mean "local offset unknown", and the conformance suite
    (XAPI-00123) expects all three refused. So is an instant that falls outside years
    0001-9999 once converted to UTC ("0001-01-01T00:00:00+01:00"): the LRS stores and compares
    Timestamps in UTC and could not represent it.
    """
    if (_TIMESTAMP_2 if v2 else _TIMESTAMP_1).fullmatch(value) is None:
        return False
    if value.endswith(_NEGATIVE_ZERO) or value.startswith("0000"):
        return False
    if value.startswith(("0001-01-01", "9999-12-31")):
        try:
            parse_timestamp(value)
        except ValueError:
            return False
    day = value[8:10]
    if day > "28":
        month = int(value[5:7])
        if int(day) > _DAYS[month]:
            return False
        if month == 2:
            year = int(value[:4])
            return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


# 1.0.3, Part 2, 4.6: "A Duration MUST be expressed using the format for Duration in ISO
# 8601:2004(E) section 4.4.3.2" (PnYnMnDTnHnMnS or PnW; P4W1D is not valid, the spec's own
# example); the alternative format of 4.4.3.3 MUST NOT be used. At least one component, "T" only
# before a time component; the lowest-order component present may carry a decimal fraction
# (ISO 8601, 4.4.3.2), after "." or ",". No sign: ISO 8601:2004 has no negative durations.
_DURATION = re.compile(
    r"P(?:\d+(?:[.,]\d+)?W"
    r"|(?=[\dT])(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)",
    re.ASCII,
)
_FRACTION = re.compile(r"[.,]\d+[YMWDHS]", re.ASCII)


def is_duration(value: str) -> bool:
    """True for an ISO 8601:2004 4.4.3.2 duration (a fraction only on its last component)."""
    if len(value) < 3 or _DURATION.fullmatch(value) is None:
        return False
    if "." in value or "," in value:
        fraction = _FRACTION.search(value)
        return fraction is not None and fraction.end() == len(value)
    return True


# 1.0.3, Part 2, 2.4.2.3: mbox is a "mailto IRI", "The required format is 'mailto:email
# address'": one address, local part "@" domain, no second address or header fields.
_MBOX = re.compile(r"mailto:[^@\s,?;<>]+@[^@\s,?;<>]+")


def is_mbox(value: str) -> bool:
    """True for `mailto:` + one e-mail address (the IRI syntax is checked separately)."""
    return _MBOX.fullmatch(value) is not None


_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
_HEX = re.compile(r"[0-9a-fA-F]+")


def is_sha1_hex(value: str) -> bool:
    """True for a hex-encoded SHA-1 (mbox_sha1sum: "The hex-encoded SHA1 hash of a mailto IRI")."""
    return len(value) == 40 and _SHA1.fullmatch(value) is not None


def is_sha2_hex(value: str) -> bool:
    """True for a hex SHA-2 digest: SHA-224, -256, -384 or -512 (56, 64, 96 or 128 digits)."""
    return len(value) in (56, 64, 96, 128) and _HEX.fullmatch(value) is not None


# RFC 2045, 5.1 / RFC 6838, 4.2: type "/" subtype, then ";"-separated parameters. The parameters
# are framed, not parsed (quoted strings may hold anything but an unescaped quote).
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_CONTENT_TYPE = re.compile(
    rf"{_TCHARS}/{_TCHARS}"
    rf"(?:[ \t]*;[ \t]*{_TCHARS}=(?:{_TCHARS}|\"(?:[^\"\\]|\\.)*\"))*[ \t]*",
    re.ASCII,
)


def is_content_type(value: str) -> bool:
    """True for an Internet media type ("text/plain; charset=ascii")."""
    return _CONTENT_TYPE.fullmatch(value) is not None


# 1.0.3, Part 2, 2.4.10: "An LRS MUST reject all Statements with a version specified that does
# not start with 1.0."; the conformance suite accepts "1.0" and "1.0.9" and rejects "1.1.0",
# "0.9.9" and other strings, under both versions of the API. 2.0 adds 2.0.0 ("If an LRP sets
# the Statement version, it MUST set it to 2.0.0"; 2.0 suite XAPI-00332 stores one).
_VERSION_1 = re.compile(r"1\.0(?:\.(?:0|[1-9][0-9]*))?", re.ASCII)
_VERSION_2 = re.compile(r"[12]\.0(?:\.(?:0|[1-9][0-9]*))?", re.ASCII)


def is_version(value: str, v2: bool) -> bool:
    """True for a statement `version` this LRS accepts under the request's API version."""
    return (_VERSION_2 if v2 else _VERSION_1).fullmatch(value) is not None
