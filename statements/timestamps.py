"""xAPI Timestamps: parsing, the LRS's own serialisation, and UTC normalisation of statements.

What the specifications allow and ask (decisions in the docstrings below):

* 1.0.3, Part 2, 4.5: a Timestamp "MUST be formatted according to ISO 8601" (s1.b1), "SHOULD* be
  expressed using the format described in RFC 3339" (b2), "MUST preserve precision to at least
  milliseconds" (b3), "SHOULD* include the time zone" (b4, so a missing offset is allowed), "MAY"
  be returned in another time zone (b5), the LRS "SHOULD* return the Timestamp in UTC" (b6) and
  "MAY" truncate or round to at least 3 decimal digits (b7).
* 2.0 (IEEE 9274.1.1), Part 3, 1.2.7 "Timestamps": "An LRS MUST convert Timestamps to UTC rather
  than rejecting Statements that send Timestamps not in UTC form"; "An LRS MAY truncate or round a
  Timestamp to a precision of at least 3 decimal digits for seconds."
* RFC 3339, 4.3: the offset "-00:00" means "UTC, local offset unknown"; it is not a time zone.
  The ADL conformance suite (XAPI-00123, both versions) requires "-00", "-0000" and "-00:00" to be
  rejected, so they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = [
    "format_timestamp",
    "normalise_statement_timestamps",
    "normalise_timestamp",
    "parse_timestamp",
    "utc_now",
]

# ISO 8601 extended format, the RFC 3339 profile plus what 1.0.3 tolerates: any number of
# fractional digits (also after a comma, ISO 8601 4.2.2.4), and no offset at all (4.5.s1.b4).
# Lowercase "t"/"z" are allowed by RFC 3339, 5.6 (note). Basic format, reduced precision
# (no seconds) and week or ordinal dates are not timestamps any xAPI client sends.
_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:[.,](?P<fraction>\d+))?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?",
    re.ASCII,
)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a timestamp is a string, not {type(value).__name__}")
    return value


def _match(value: str) -> re.Match[str]:
    match = _TIMESTAMP.fullmatch(_text(value))
    if match is None:
        raise ValueError(f"not an ISO 8601 / RFC 3339 date-time: {value!r}")
    return match


def _parse_match(match: re.Match[str], value: str) -> tuple[datetime, str | None]:
    """The instant (aware, UTC) and the fractional digits as written (None without fraction)."""
    sign, hours, minutes = match["sign"], int(match["oh"] or 0), int(match["om"] or 0)
    if not (sign == "-" and hours == minutes == 0) and hours <= 23 and minutes <= 59:
        # Fast path (this runs for every ingested statement): the regex has checked the shape,
        # and `fromisoformat` reads it some twenty times faster than building it by hand. What
        # it cannot read (leap seconds, a decimal comma, lower-case separators) takes the slow
        # path below, which also gives the precise errors.
        try:
            fast = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if fast.tzinfo is None:
                fast = fast.replace(tzinfo=UTC)
            try:
                return fast.astimezone(UTC), match["fraction"]
            except OverflowError:
                pass
    offset: timezone = UTC
    if match["sign"] is not None:
        hours, minutes = int(match["oh"]), int(match["om"] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError(f"offset out of range in {value!r}")
        if match["sign"] == "-" and hours == 0 and minutes == 0:
            raise ValueError(f"-00:00 is 'unknown local offset' (RFC 3339, 4.3): {value!r}")
        delta = timedelta(hours=hours, minutes=minutes)
        offset = timezone(-delta if match["sign"] == "-" else delta)
    fraction = match["fraction"]
    second = int(match["second"])
    # RFC 3339 allows a leap second (:60); datetime does not, so it becomes the next second.
    leap = second == 60
    try:
        parsed = datetime.fromisoformat(match["date"]).replace(
            hour=int(match["hour"]),
            minute=int(match["minute"]),
            second=59 if leap else second,
            microsecond=int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=offset,
        )
        if leap:
            parsed += timedelta(seconds=1)
        return parsed.astimezone(UTC), fraction
    except (ValueError, OverflowError) as exc:  # OverflowError: beyond year 1..9999 in UTC
        raise ValueError(f"not a valid date-time: {value!r} ({exc})") from None


@functools.lru_cache(maxsize=8192)
def _parsed(value: str) -> tuple[datetime, str | None, bool]:
    """The instant, the fraction as written, and whether an offset was given; cached, since
    validation, normalisation and storage each read the same Timestamp of a statement."""
    match = _match(value)
    instant, fraction = _parse_match(match, value)
    return instant, fraction, match["offset"] is not None


def _read(value: Any) -> tuple[datetime, str | None, bool]:
    return _parsed(_text(value))


def parse_timestamp(value: str) -> datetime:
    """Parse an xAPI Timestamp into an aware UTC datetime; ValueError if it is not one.

    Accepts RFC 3339 date-times ("2013-05-18T05:32:34.804+00:00", "...Z") with any number of
    fractional digits (kept to the microsecond, truncated beyond: 1.0.3 Part 2, 4.5.s1.b7), offsets
    "+hh:mm", "+hhmm", "+hh". A missing offset is read as UTC: 1.0.3 only says a Timestamp
    "SHOULD* include the time zone" (4.5.s1.b4), and UTC is the zone the LRS works in (b6).
    Rejects "-00:00" and its shorter forms (RFC 3339, 4.3; conformance suite XAPI-00123).
    """
    return _read(value)[0]


def _render(utc: datetime, fraction: str | None) -> str:
    """RFC 3339 in UTC with "Z"; `fraction` as written, else from the microseconds; >= 3 digits."""
    if fraction is None:
        fraction = f"{utc.microsecond:06d}".rstrip("0")
    # Not strftime: "%Y" does not pad years below 1000 on every platform.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{fraction.ljust(3, '0')}Z"
    )


def format_timestamp(dt: datetime) -> str:
    """The LRS's own serialisation of an instant: UTC, "Z", milliseconds or finer.

    "2013-05-18T05:32:34.804Z". UTC because 1.0.3 Part 2, 4.5.s1.b6 asks for it (SHOULD*) and 2.0
    requires conversion to UTC (Part 3, 1.2.7). At least three fractional digits (4.5.s1.b3,
    "preserve precision to at least milliseconds"); six when the datetime carries microseconds
    that are not whole milliseconds, so that `parse_timestamp(format_timestamp(dt)) == dt` always:
    a `stored` value a client sends back as `since` then compares exactly with the stored column.
    Naive datetimes are refused: every datetime in this code base is aware.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("format_timestamp needs an aware datetime")
    return _render(dt.astimezone(UTC), None)


def normalise_timestamp(value: str) -> str:
    """The same instant in UTC with "Z", keeping every fractional digit as written (at least 3).

    "2023-05-04T12:00:00-05:00" -> "2023-05-04T17:00:00.000Z";
    "2013-05-18T05:32:34.123456789+02:00" -> "2013-05-18T03:32:34.123456789Z". Offsets are whole
    minutes, so shifting the zone never touches the fraction and no precision is lost. ValueError
    if `value` is not a Timestamp.
    """
    return _normalised(_text(value))


@functools.lru_cache(maxsize=8192)
def _normalised(value: str) -> str:
    parsed, fraction, _offset = _parsed(value)
    return _render(parsed, fraction)


def utc_now() -> datetime:
    """The current instant, aware UTC, truncated to the millisecond.

    Use it for `stored`: the value then survives `format_timestamp` and a database round trip
    unchanged (1.0.3 Part 2, 4.5.s1.b7 allows the truncation).
    """
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _has_offset(value: str) -> bool:
    return _read(value)[2]


def normalise_statement_timestamps(stmt: Mapping[str, Any], version: str) -> dict[str, Any]:
    """A copy of a (valid) statement with its Timestamps converted to UTC; the input is untouched.

    Converts the statement's `timestamp` and a SubStatement's `timestamp` (`stored` is the LRS's
    own and gets written by `format_timestamp`). Fractional digits are kept as received, padded
    to three.

    * 2.0.x: every Timestamp is converted: "An LRS MUST convert Timestamps to UTC" (2.0, Part 3,
      1.2.7; the 2.0 suite's "checks if the LRS converts timestamps to UTC"). One without offset
      is taken as UTC, as in `parse_timestamp`.
    * 1.0.x: a Timestamp with an offset is converted (4.5.s1.b6: "SHOULD* return the Timestamp in
      UTC"; b5 allows another zone "so long as the point in time referenced is not affected");
      one without offset is left as received, since b5 only covers Timestamps that include a
      time zone and guessing one would change the data.
    """
    convert_unzoned = version.startswith("2.")

    def convert(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if not convert_unzoned and not _has_offset(value):
            return value
        return normalise_timestamp(value)

    out = dict(stmt)
    if "timestamp" in out:
        out["timestamp"] = convert(out["timestamp"])
    obj = out.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement" and "timestamp" in obj:
        sub = dict(obj)
        sub["timestamp"] = convert(sub["timestamp"])
        out["object"] = sub
    return out
