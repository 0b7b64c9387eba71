"""xAPI Timestamps: parsing, the LRS's serialisation, UTC normalisation (statements.timestamps)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statements.timestamps import (
    format_timestamp,
    normalise_statement_timestamps,
    normalise_timestamp,
    parse_timestamp,
    utc_now,
)

ANCHOR = datetime(2013, 5, 18, 5, 32, 34, 804000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-05-18T05:32:34.804+00:00", ANCHOR),
        ("2013-05-18T05:32:34.804Z", ANCHOR),
        ("2013-05-18t05:32:34.804z", ANCHOR),
        ("2013-05-18T05:32:34,804Z", ANCHOR),
        ("2013-05-18T07:32:34.804+02:00", ANCHOR),
        ("2013-05-18T07:32:34.804+0200", ANCHOR),
        ("2013-05-18T07:32:34.804+02", ANCHOR),
        ("2013-05-18T00:02:34.804-05:30", ANCHOR),
        ("2013-05-18T05:32:34.804", ANCHOR),
        ("2013-05-18T05:32:34.8049999Z", ANCHOR.replace(microsecond=804999)),
        ("2013-05-18T05:32:34Z", ANCHOR.replace(microsecond=0)),
        ("2008-09-15T15:53:00.601+00:00", datetime(2008, 9, 15, 15, 53, 0, 601000, tzinfo=UTC)),
        ("2023-05-04T12:00:00-05:00", datetime(2023, 5, 4, 17, 0, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_accepts_iso8601_and_rfc3339_forms(text: str, expected: datetime) -> None:
    """1.0.3 Part 2, 4.5.s1.b1 "A Timestamp MUST be formatted according to ISO 8601", b2 "SHOULD*
    be expressed using the format described in RFC 3339", b4 "SHOULD* include the time zone" (so
    none is allowed; read as UTC). The suite's VALID_RFC "2008-09-15T15:53:00.601+00:00" and its
    EST example "2023-05-04T12:00:00-05:00" are among them."""
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
        "2013-02-30T00:00:00Z",
        "2013-05-18T25:00:00Z",
        "2013-05-18T05:32:34+24:00",
        "2013-05-18T05:32:34+05:60",
        "2013-05-18",
        "2013-05-18T05:32Z",
        "2013-05-18 05:32:34Z",
        "20130518T053234Z",
        "2013-05-18T05:32:34.Z",
        " 2013-05-18T05:32:34Z",
        "",
    ],
)
def test_parse_timestamp_rejects_what_is_not_a_timestamp(text: str) -> None:
    """Suite XAPI-00123 ("An LRS rejects a statement with a Timestamp which doesn't validate to
    ISO 8601") sends "should fail", "01/011/2015" and the offsets "-00", "-0000", "-00:00";
    RFC 3339, 4.3: "-00:00" means the offset to local time is unknown."""
    with pytest.raises(ValueError, match=r"."):
        parse_timestamp(text)


def test_parse_timestamp_rejects_non_strings_with_value_error() -> None:
    """A Timestamp is a JSON string (1.0.3 Part 2, 2.4 table: "timestamp | Timestamp")."""
    with pytest.raises(ValueError, match="string"):
        parse_timestamp(1368855154)  # type: ignore[arg-type]


def test_parse_timestamp_reads_a_leap_second_as_the_next_second() -> None:
    """RFC 3339, 5.6: time-second is "00-58, 59, 60 based on leap second rules"."""
    assert parse_timestamp("2016-12-31T23:59:60Z") == datetime(2017, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (ANCHOR, "2013-05-18T05:32:34.804Z"),
        (ANCHOR.replace(microsecond=0), "2013-05-18T05:32:34.000Z"),
        (ANCHOR.replace(microsecond=804123), "2013-05-18T05:32:34.804123Z"),
        (ANCHOR.astimezone(timezone(timedelta(hours=-5))), "2013-05-18T05:32:34.804Z"),
    ],
)
def test_format_timestamp_is_utc_with_at_least_milliseconds(dt: datetime, expected: str) -> None:
    """1.0.3 Part 2, 4.5.s1.b6 "The LRS SHOULD* return the Timestamp in UTC timezone", b3 "MUST
    preserve precision to at least milliseconds (3 decimal points beyond seconds)"."""
    assert format_timestamp(dt) == expected


def test_format_timestamp_refuses_naive_datetimes() -> None:
    """Without a zone the instant is unknown; 4.5.s1.b5 only allows changing the zone "so long as
    the point in time referenced is not affected"."""
    with pytest.raises(ValueError, match="aware"):
        format_timestamp(datetime(2013, 5, 18, 5, 32, 34))


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=45))]),
    )
)
def test_format_timestamp_round_trips_through_parse_timestamp(dt: datetime) -> None:
    """4.5.s1.b3: precision is preserved, so `stored` read back as `since` is the same instant."""
    assert parse_timestamp(format_timestamp(dt)) == dt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-04T12:00:00-05:00", "2023-05-04T17:00:00.000Z"),
        ("2013-05-18T05:32:34.804Z", "2013-05-18T05:32:34.804Z"),
        ("2013-05-18T01:32:34.123456789+02:00", "2013-05-17T23:32:34.123456789Z"),
        ("2013-05-18T05:32:34.8+00:00", "2013-05-18T05:32:34.800Z"),
        ("2013-05-18T05:32:34", "2013-05-18T05:32:34.000Z"),
    ],
)
def test_normalise_timestamp_converts_to_utc_and_keeps_every_digit(
    text: str, expected: str
) -> None:
    """2.0 Part 3, 1.2.7: "An LRS MUST convert Timestamps to UTC rather than rejecting Statements
    that send Timestamps not in UTC form"; the 2.0 suite expects "2023-05-04T12:00:00-05:00" back
    as "2023-05-04T17:00:00.000Z". 1.0.3 4.5.s1.b3: precision at least milliseconds is kept."""
    assert normalise_timestamp(text) == expected


def test_utc_now_is_aware_and_whole_milliseconds() -> None:
    """1.0.3 Part 2, 4.5.s1.b7: "A Timestamp MAY be truncated ... to a precision of at least 3
    decimal digits for seconds" - so `stored` survives formatting and storage exactly."""
    now = utc_now()
    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0
    assert abs(datetime.now(UTC) - now) < timedelta(seconds=5)


def _statement(timestamp: str, sub_timestamp: str) -> dict[str, object]:
    return {
        "actor": {"mbox": "mailto:a@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:b@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": "http://example.com/a"},
            "timestamp": sub_timestamp,
        },
        "timestamp": timestamp,
    }


def test_normalise_statement_timestamps_converts_all_to_utc_for_2_0() -> None:
    """2.0 Part 3, 1.2.7: "An LRS MUST convert Timestamps to UTC" - the statement's and the
    SubStatement's."""
    stmt = _statement("2023-05-04T12:00:00-05:00", "2023-05-04T12:00:00.5")
    before = copy.deepcopy(stmt)
    out = normalise_statement_timestamps(stmt, "2.0.0")
    assert out["timestamp"] == "2023-05-04T17:00:00.000Z"
    assert out["object"]["timestamp"] == "2023-05-04T12:00:00.500Z"
    assert stmt == before


def test_normalise_statement_timestamps_for_1_0_3_converts_only_zoned_ones() -> None:
    """1.0.3 Part 2, 4.5.s1.b5: "If the Timestamp includes a time zone, the LRS MAY be return the
    Timestamp using a different timezone ... so long as the point in time referenced is not
    affected"; b6 "SHOULD* return the Timestamp in UTC". One without zone stays as received."""
    stmt = _statement("2023-05-04T12:00:00-05:00", "2023-05-04T12:00:00.5")
    out = normalise_statement_timestamps(stmt, "1.0.3")
    assert out["timestamp"] == "2023-05-04T17:00:00.000Z"
    assert out["object"]["timestamp"] == "2023-05-04T12:00:00.5"


def test_normalise_statement_timestamps_leaves_a_statement_without_timestamp_alone() -> None:
    """1.0.3 Part 2, 2.4.7.s3.b2: the LRS sets a missing timestamp from `stored`, not here."""
    stmt = {"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://x.org/v"}}
    assert normalise_statement_timestamps(stmt, "2.0.0") == stmt


def test_parse_timestamp_raises_value_error_for_instants_beyond_year_9999_utc() -> None:
    """ISO 8601 years are four digits; an offset that pushes the UTC instant out of them gives
    ValueError (hence 400), never an OverflowError (500)."""
    with pytest.raises(ValueError, match="out of range"):
        parse_timestamp("9999-12-31T23:00:00-05:00")
