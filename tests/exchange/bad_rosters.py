"""The malformed-roster corpus: files a USB stick, an HR export or someone trying to break the import hands us.

Each case is (id, file name, writer, what the one-line refusal says); the roster tests read each
one in process, the command-line tests through a real process with its time and memory measured.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.exchange import workbooks


def _bytes(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


_MIXED = "Staff No,Name\nG1,Gráinne Ó Súilleabháin\nG2,Zoë Adams\n".encode() + "G3,Siobhán Ó Briain\n".encode("cp1252")

CSV_CASES: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("empty", "roster.csv", _bytes(b""), "is empty"),
    ("blank lines", "roster.csv", _bytes(b"   \r\n\r\n"), "is empty"),
    ("header only", "roster.csv", _bytes(b"Staff No,Name\r\n"), "no rows"),
    ("every byte", "roster.csv", _bytes(bytes(range(256)) * 40), "not"),
    ("zip garbage", "roster.csv", _bytes(b"PK\x03\x04" + b"\x00garbage" * 50), "not a readable Excel workbook"),
    ("old xls", "roster.csv", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), "old-style Excel"),
    ("sqlite file", "roster.csv", _bytes(b"SQLite format 3\x00" + b"\x00" * 2000), "not a text file"),
    ("not utf-8", "roster.csv", _bytes(b"Name,Ward\n\x81\x8d\x8f\x90\x9d\n"), "line 2: byte 0x81 is not UTF-8 text"),
    ("mixed encoding", "roster.csv", _bytes(_MIXED), "line 4: byte 0xE1 is not UTF-8 text"),
]

XLSX_CASES: list[tuple[str, str, Callable[[Path], None], str]] = [
    (
        "zip bomb",
        "roster.xlsx",
        lambda p: workbooks.bomb(p, 256 * 1024**2),
        "unpacks to 256 MiB; a roster workbook may unpack to at most 64 MiB",
    ),
    ("packed too tight", "roster.xlsx", lambda p: workbooks.bomb(p, 40 * 1024**2), "packs 40 MiB into"),
    ("under-declared sizes", "roster.xlsx", workbooks.under_declared, "not a readable Excel workbook"),
    (
        "too many cells",
        "roster.xlsx",
        lambda p: workbooks.many_cells(p, 2_010_000),
        "roster.xlsx: the sheet holds more than 2,000,000 cells",
    ),
    (
        "cells far right",
        "roster.xlsx",
        lambda p: workbooks.write_workbook(
            p,
            workbooks.sheet_xml(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(2, 200)),
            zip64=False,
        ),
        "line 124: the sheet holds more than 2,000,000 cells",
    ),
    (
        "missing shared string",
        "roster.xlsx",
        lambda p: workbooks.write_workbook(
            p, workbooks.sheet_xml([b'<row r="2"><c t="s"><v>7</v></c></row>']), zip64=False
        ),
        "damaged Excel workbook",
    ),
    (
        "broken xml",
        "roster.xlsx",
        lambda p: workbooks.write_workbook(p, [b"<worksheet><sheetData><row>"], zip64=False),
        r"not a readable Excel workbook \(ParseError\)",
    ),
]

CASES = CSV_CASES + XLSX_CASES
