"""The string formats behind statement validation: IRIs, language tags, timestamps, durations,
UUIDs, media types, hashes (statements._valid_iri, _valid_langtag, _valid_formats)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statements import _valid_iri
from statements._valid_formats import (
    is_content_type,
    is_duration,
    is_mbox,
    is_sha1_hex,
    is_sha2_hex,
    is_timestamp,
    is_uuid,
    is_version,
)
from statements._valid_iri import is_iri, is_iri_by_grammar, is_uri
from statements._valid_langtag import is_language_tag
from statements.timestamps import parse_timestamp

VALID_IRIS = [
    "http://adlnet.gov/expapi/verbs/attended",
    "https://moodle.stadt-beispiel.de/course/view.php?id=42",
    "http://example.com/xapi/verbs#sent-a-statement",
    "mailto:user@example.com",
    "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "tag:lernspur.de,2026:verbs/attended",
    "http://user:pw@example.com:8080/a/b;p?q=1&r=%20#f",
    "http://[2001:db8::1]/",
    "http://[v1.fe80::a]/",
    "http://192.168.0.1:80",
    "http://例え.テスト/パス?クエリ#フラグメント",
    "http://example.com/?\ue000",  # iprivate is allowed in the query
    "file:///etc/hosts",
    "a:",
    "x-y+z.w:rootless/path:with@colons",
    "http://example.com//double//slash",
    "http://example.com/~user/(a)!$&'*+,;=",
    "HTTP://EXAMPLE.COM/",
    "http:",
    "http://",
    "http://example.com:/",
]
INVALID_IRIS = [
    "",
    "adlnet.gov/expapi/verbs/attended",
    "/relative/path",
    "//example.com/a",
    "#fragment",
    "1http://example.com/",
    "http://example.com/a b",
    "http://example.com/a\tb",
    "http://example.com/<a>",
    'http://example.com/"a"',
    "http://example.com/a\\b",
    "http://example.com/{a}",
    "http://example.com/a|b",
    "http://example.com/a^b",
    "http://example.com/`a`",
    "http://example.com/%",
    "http://example.com/%2",
    "http://example.com/%zz",
    "http://example.com/#a#b",
    "http://example.com:80a/",
    "http://a@b@c/",
    "http://[::1/",
    "http://[zz]/",
    "http://[fe80::1%25eth0]/",
    "http://example.com/[a]",
    "http://example.com/a]",
    "http://example.com/\ue000",  # iprivate is not allowed in the path
    "http://example.com/\x7f",
    "http://example.com/\ud800",
    "ht tp://example.com/",
    "h_ttp://example.com/",
]


@pytest.mark.parametrize("value", VALID_IRIS)
def test_absolute_iris_are_iris(value: str) -> None:
    """RFC 3987, 2.2 `IRI = scheme ":" ihier-part [ "?" iquery ] [ "#" ifragment ]`; xAPI 1.0.3
    Part 2, 4.3 (IRIs "can contain some characters outside of the ASCII character set")."""
    assert is_iri_by_grammar(value)
    assert is_iri(value)


@pytest.mark.parametrize("value", INVALID_IRIS)
def test_strings_outside_the_iri_grammar_are_not_iris(value: str) -> None:
    """xAPI 1.0.3 Part 2, 2.2.s4.b1.b8: reject "IRL or IRI values without a scheme"; 2.4.4.1
    "IRI fragments (sometimes called relative IRLs) are not valid IRIs"; RFC 3987, 2.2 (no
    spaces, no unescaped delimiters, "%" followed by two hex digits, one "#")."""
    assert not is_iri_by_grammar(value)
    assert not is_iri(value)


def test_accepted_iris_are_remembered_and_the_memory_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Part 2, 3.1 (IRIs are reused: "Where a suitable identifier already exists, the Learning
    Activity Provider SHOULD use the corresponding existing identifier"): a repeated IRI is
    found again without parsing; rejected ones are never remembered."""
    monkeypatch.setattr(_valid_iri, "_known", set())
    monkeypatch.setattr(_valid_iri, "_KNOWN_MAX", 3)
    for n in range(3):
        assert is_iri(f"http://example.com/{n}")
    assert not is_iri("no scheme")
    assert _valid_iri._known == {f"http://example.com/{n}" for n in range(3)}
    assert is_iri("http://example.com/3")
    assert _valid_iri._known == {"http://example.com/3"}


def test_uris_are_ascii_iris() -> None:
    """xAPI 1.0.3 Part 2, 2.4.2.3: openid is a URI (RFC 3986), the ASCII subset of IRIs."""
    assert is_uri("http://toby.openid.example.org/")
    assert not is_uri("http://ä.example.org/")
    assert not is_uri("toby.openid.example.org")


@pytest.mark.parametrize(
    "tag",
    ["de", "fr", "ja", "i-enochian", "zh-Hant", "zh-Hans", "sr-Cyrl", "sr-Latn", "zh-cmn-Hans-CN",
     "cmn-Hans-CN", "zh-yue-HK", "yue-HK", "zh-Hans-CN", "sr-Latn-RS", "sl-rozaj", "sl-rozaj-biske",
     "sl-nedis", "de-CH-1901", "sl-IT-nedis", "hy-Latn-IT-arevela", "de-DE", "en-US", "es-419",
     "de-CH-x-phonebk", "az-Arab-x-AZE-derbend", "x-whatever", "qaa-Qaaa-QM-x-southern",
     "de-Qaaa", "sr-Latn-QM", "sr-Qaaa-RS", "en-US-u-islamcal", "zh-CN-a-myext-x-private",
     "en-a-myext-b-another", "ar-a-aaa-b-bbb", "EN-us", "tlh", "ase", "english"],
)  # fmt: skip
def test_well_formed_language_tags_are_accepted(tag: str) -> None:
    """xAPI 1.0.3 Part 2, 2.2.s4.b2 "validate that the sequence of token lengths for language
    map keys matches the RFC 5646 standard"; the well-formed examples of RFC 5646, Appendix A
    (a 5-8 letter primary subtag is well-formed, 2.2.1)."""
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag",
    ["", "something", "a12345", "de-419-DE", "a-DE", "ar-a-aaa-b-bbb-a-ccc", "de-CH-1901-1901",
     "zh-z-aaa-z-bbb-c-ccc", "en_US", "en-", "-en", "en--US", "en-US-", "x", "x-", "x-123456789",
     "abc-def-ghi-jkl-mno", "en-a", "en-a-b", "de-DE-Latn", "e1", "ü", "en US", "en-\u212aR"],
)  # fmt: skip
def test_malformed_language_tags_are_rejected(tag: str) -> None:
    """RFC 5646, Appendix A, "Some Invalid Tags" (de-419-DE: two regions; a-DE: one-letter
    language; ar-a-aaa-b-bbb-a-ccc: repeated singleton, 2.2.9) and 2.1 ABNF lengths; xAPI
    1.0.3 Part 2, 2.2.s4.b2."""
    assert not is_language_tag(tag)


V1_ONLY_TIMESTAMPS = [
    "2013-05-18T05:32:34.804",
    "2013-05-18T05:32:34",
    "2013-05-18T07:32:34.804+0200",
    "2013-05-18T07:32:34.804+02",
    "2013-05-18T05:32:34,804Z",
]
BOTH_TIMESTAMPS = [
    "2013-05-18T05:32:34.804Z",
    "2013-05-18T05:32:34Z",
    "2013-05-18T05:32:34.804+00:00",
    "2013-05-18t05:32:34.804z",
    "2023-05-04T12:00:00-05:00",
    "2013-05-18T00:02:34.804-05:30",
    "2013-05-18T05:32:34.8049999Z",
    "2016-12-31T23:59:60Z",
    "2000-02-29T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999+23:59",
]
NO_TIMESTAMPS = [
    "",
    "should fail",
    "01/011/2015",
    "2013-05-18",
    "2013-05-18T05:32Z",
    "2013-05-18 05:32:34Z",
    "20130518T053234Z",
    "2013-W20-6T05:32:34Z",
    "2013-138T05:32:34Z",
    "2008-09-15T15:53:00.601-00",
    "2008-09-15T15:53:00.601-0000",
    "2008-09-15T15:53:00.601-00:00",
    "2013-00-18T05:32:34Z",
    "2013-13-18T05:32:34Z",
    "2013-05-00T05:32:34Z",
    "2013-04-31T05:32:34Z",
    "2013-02-29T05:32:34Z",
    "1900-02-29T05:32:34Z",
    "2013-05-18T24:00:00Z",
    "2013-05-18T05:60:00Z",
    "2013-05-18T05:32:61Z",
    "2013-05-18T05:32:34+24:00",
    "2013-05-18T05:32:34+01:60",
    "2013-05-18T05:32:34.Z",
    "0000-01-01T00:00:00Z",
    # Instants before 0001 or after 9999 once converted to UTC (found by hypothesis)
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:60-01:00",
    "+2013-05-18T05:32:34Z",
    "2013-05-18T05:32:34Z\n",
    "２０１３-05-18T05:32:34Z",
]


@pytest.mark.parametrize("value", BOTH_TIMESTAMPS)
def test_rfc3339_date_times_are_timestamps_in_both_versions(value: str) -> None:
    """1.0.3 Part 2, 4.5.s1.b1-b2 (ISO 8601, SHOULD* RFC 3339); 2.0 Part 2, 2.2.7 "A Timestamp
    MUST be expressed using the format described in RFC 3339" (5.6 date-time, 5.7 leap second;
    "T" and "Z" may be lower case, 5.6 note)."""
    assert is_timestamp(value, v2=False)
    assert is_timestamp(value, v2=True)


@pytest.mark.parametrize("value", V1_ONLY_TIMESTAMPS)
def test_iso8601_forms_outside_rfc3339_are_timestamps_in_1_0_3_only(value: str) -> None:
    """1.0.3 Part 2, 4.5.s1.b1 "MUST be formatted according to ISO 8601", b4 "SHOULD* include
    the time zone"; 2.0 requires RFC 3339 (offset required, "+hh:mm", decimal point)."""
    assert is_timestamp(value, v2=False)
    assert not is_timestamp(value, v2=True)


@pytest.mark.parametrize("value", NO_TIMESTAMPS)
def test_other_strings_are_no_timestamps(value: str) -> None:
    """1.0.3 Part 2, 4.5.s1.b1; conformance suite XAPI-00123 ("-00", "-0000", "-00:00" offsets
    rejected); calendar ranges of ISO 8601 / RFC 3339, 5.7; instants the LRS could not convert
    to UTC (2.0 Part 3, 1.2.7)."""
    assert not is_timestamp(value, v2=False)
    assert not is_timestamp(value, v2=True)


@pytest.mark.parametrize("value", BOTH_TIMESTAMPS + V1_ONLY_TIMESTAMPS)
def test_every_accepted_timestamp_can_be_parsed_by_the_store(value: str) -> None:
    """2.0 Part 3, 1.2.7: "An LRS MUST convert Timestamps to UTC rather than rejecting
    Statements that send Timestamps not in UTC form" — so whatever validation accepts,
    statements.timestamps must be able to convert."""
    assert parse_timestamp(value).utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("PT4H35M59.14S", True), ("P3Y1M29DT4H35M59.14S", True), ("P4W", True), ("PT0.001S", True),
     ("P1,5D", True), ("P4W1D", False), ("P", False), ("PT", False), ("P1DT", False), ("", False),
     ("PT1H30", False), ("PT1.5H30M", False), ("P1Y2Y", False), ("PT1M1H", False), ("-P1D", False),
     ("P1.5W1D", False), ("pt1h", False), ("P1D ", False), ("P1.D", False), ("P.5D", False)],
)  # fmt: skip
def test_durations_follow_iso8601_4_4_3_2(value: str, valid: bool) -> None:
    """1.0.3 Part 2, 4.6.s1.b1: "A Duration MUST be expressed using the format for Duration in
    ISO 8601:2004(E) section 4.4.3.2" — components in order, "T" before time components, weeks
    alone, a decimal fraction only on the lowest-order component."""
    assert is_duration(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("fd41c918-b88b-4b20-a0a5-a4c32391aaa0", True),
     ("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", True),
     ("fd41c918b88b4b20a0a5a4c32391aaa0", False),
     ("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}", False),
     ("fd41c918-b88b-4b20-a0a5-a4c32391aaa", False),
     ("fd41c918-b88b-4b20-a0a5_a4c32391aaa0", False),
     ("gd41c918-b88b-4b20-a0a5-a4c32391aaa0", False),
     ("", False)],
)  # fmt: skip
def test_uuids_are_in_the_standard_string_form(value: str, valid: bool) -> None:
    """1.0.3 Part 2, 4.4: "UUIDs MUST be in the standard string form" (RFC 4122, 3: hex digits
    in 8-4-4-4-12 groups, case-insensitive on input)."""
    assert is_uuid(value) is valid


def test_mbox_is_mailto_and_one_address() -> None:
    """1.0.3 Part 2, 2.4.2.3: mbox "The required format is 'mailto:email address'"."""
    assert is_mbox("mailto:xapi@adlnet.gov")
    assert is_mbox("mailto:first.last+tag@sub.example.co.uk")
    not_one_address = [
        "xapi@adlnet.gov", "mailto:", "mailto:@x", "mailto:a@", "mailto:a@b@c", "mailto:a@x,b@y",
        "mailto:a@x?subject=hi", "mailto:a b@x", "MAILTO:a@x",
    ]  # fmt: skip
    for value in not_one_address:
        assert not is_mbox(value), value


def test_hashes_are_hex_of_the_right_length() -> None:
    """1.0.3 Part 2, 2.4.2.3: mbox_sha1sum "The hex-encoded SHA1 hash of a mailto IRI"; 2.4.11:
    sha2 "The SHA-2 hash of the Attachment data" (SHA-224/256/384/512)."""
    assert is_sha1_hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee9")
    assert is_sha1_hex("EBD31E95054C018B10727CCFFD2EF2EC3A016EE9")
    assert not is_sha1_hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee")
    assert not is_sha1_hex("xbd31e95054c018b10727ccffd2ef2ec3a016ee9")
    for digits in (56, 64, 96, 128):
        assert is_sha2_hex("a" * digits)
    for digits in (40, 63, 65, 0):
        assert not is_sha2_hex("a" * digits)
    assert not is_sha2_hex("g" * 64)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("text/plain; charset=ascii", True), ("application/octet-stream", True),
     ("image/svg+xml", True), ('multipart/mixed; boundary="--=a b"', True),
     ("text/plain;a=b;c=d", True),
     ("text", False), ("text/", False), ("/plain", False), ("text/plain;", False),
     ("text/plain; charset", False), ("text plain", False), ("", False)],
)  # fmt: skip
def test_content_types_are_internet_media_types(value: str, valid: bool) -> None:
    """1.0.3 Part 2, 2.4.11.s2: contentType is an "Internet Media Type" (RFC 2046; syntax of
    RFC 2045, 5.1: type "/" subtype *(";" parameter))."""
    assert is_content_type(value) is valid


def test_statement_versions_per_api_version() -> None:
    """1.0.3 Part 2, 2.4.10.s3.b1/b2: accept versions starting with "1.0.", reject the others;
    2.0 Part 2, 2.2.4.1: an LRP "MUST set it to 2.0.0" (and the 2.0 suite keeps 1.0.x)."""
    for value in ("1.0", "1.0.0", "1.0.3", "1.0.10"):
        assert is_version(value, v2=False)
        assert is_version(value, v2=True)
    for value in ("2.0", "2.0.0", "2.0.1"):
        assert not is_version(value, v2=False)
        assert is_version(value, v2=True)
    for value in ("1.1.0", "0.9.9", "1", "1.0.", "1.0.01", "2.1.0", "should fail", " 1.0.0"):
        assert not is_version(value, v2=False)
        assert not is_version(value, v2=True)
