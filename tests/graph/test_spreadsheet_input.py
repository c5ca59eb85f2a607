"""The graph side of the spreadsheet path, without HTTP: dates and slugs as people type them,
a zip whose header lies about its size, the rate limiter's counting."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from uikg.graph.entries import slugify
from uikg.graph.forms import parse_partial_date
from uikg.graph.ratelimit import RateLimiter
from uikg.graph.spreadsheets.reading import (
    Limits,
    SpreadsheetRefused,
    SpreadsheetTooLarge,
    check_zip,
    column_letter,
    read_table,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016", ("2016", "gYear")),
        (" 2016-06 ", ("2016-06", "gYearMonth")),
        ("2016-06-30", ("2016-06-30", "date")),
        ("2024-02-29", ("2024-02-29", "date")),
        ("2023-02-29", None),
        ("2025-13-45", None),
        ("2016-6", None),
        ("30.06.2016", None),
        ("", None),
    ],
)
def test_partial_dates(typed: str, expected: tuple[str, str] | None) -> None:
    found = parse_partial_date(typed)
    if expected is None:
        assert found is None
    else:
        assert found is not None and (found.text, found.datatype) == (
            expected[0],
            XSD + expected[1],
        )


def test_slugs_are_ascii_and_bounded() -> None:
    assert slugify("Łódź — strategia 2030!") == "lodz-strategia-2030"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 702)] == ["A", "Z", "AA", "AZ", "AAA"]


def _lying_zip(actual: bytes, declared: int) -> bytes:
    """A zip whose central directory declares ``declared`` bytes for a larger part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", actual)
    data = bytearray(out.getvalue())
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)  # uncompressed size
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    return bytes(data)


def test_a_part_larger_than_its_header_says_is_refused() -> None:
    crafted = _lying_zip(b"<x>" + b"a" * 5_000_000 + b"</x>", 100)
    with pytest.raises(SpreadsheetRefused, match=r"sheet1\.xml"):
        check_zip(crafted, Limits())


def test_expansion_is_counted_across_parts() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(3):
            archive.writestr(f"xl/media/part{index}.bin", b"\0" * 3_000_000)
    with pytest.raises(SpreadsheetTooLarge, match="unzipped") as caught:
        check_zip(out.getvalue(), Limits(max_unzipped_bytes=8_000_000, max_zip_ratio=10_000))
    assert caught.value.limit == "UIKG_SPREADSHEET_MAX_UNZIPPED_BYTES"


def test_csv_rows_are_counted_as_they_stream() -> None:
    body = "a,b\n" * 20
    assert len(read_table(body.encode(), "csv", Limits(max_rows=18)).rows) == 20
    with pytest.raises(SpreadsheetTooLarge, match="more than 17 rows"):
        read_table(body.encode(), "csv", Limits(max_rows=17))


def test_rate_limiter_counts_per_client_and_says_how_long_to_wait() -> None:
    limiter = RateLimiter("3/minute")
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    wait = limiter.hit("a")
    assert wait is not None and 1 <= wait <= 60
    assert limiter.hit("b") is None
    assert not RateLimiter("").enabled and RateLimiter("").hit("a") is None
