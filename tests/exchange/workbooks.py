"""Build Excel workbooks that are hostile in size: zip bombs, under-declared sizes, huge declared sheets."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _template() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Staff No", "Name"])
    ws.append(["A1", "Ann Lee"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_workbook(
    path: Path, sheet: Iterable[bytes], strings: Iterable[bytes] | None = None, zip64: bool = True
) -> None:
    """Write a workbook whose first sheet's XML (and shared strings, if given) are streamed from chunks."""
    with zipfile.ZipFile(io.BytesIO(_template())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == SHEET:
                with out.open(SHEET, "w", force_zip64=zip64) as part:
                    for chunk in sheet:
                        part.write(chunk)
                continue
            if strings is not None and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            if strings is not None and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            out.writestr(info, data)
        if strings is not None:
            with out.open(STRINGS, "w", force_zip64=zip64) as part:
                for chunk in strings:
                    part.write(chunk)


def sheet_xml(rows: Iterable[bytes], dimension: str | None = None) -> Iterable[bytes]:
    """Yield a sheet's XML around ``rows`` (each a ``<row>`` element), with an optional declared size."""
    yield _SHEET_HEAD
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>Staff No</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>'
    yield from rows
    yield b"</sheetData></worksheet>"


def bomb(path: Path, unpacked: int) -> None:
    """A workbook whose sheet unpacks to about ``unpacked`` bytes of one repeated row (packs ~1000 to 1)."""
    row = b'<row><c t="inlineStr"><is><t>A1</t></is></c><c t="inlineStr"><is><t>Ann Lee</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    write_workbook(path, sheet_xml(block for _ in range(max(1, unpacked // len(block)))), zip64=unpacked >= 2**31)


def under_declared(path: Path, unpacked: int = 8 * 1024 * 1024) -> None:
    """A workbook whose zip directory says its sheet is 1 KiB though it inflates to ``unpacked`` bytes."""
    bomb(path, unpacked)
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    assert data[central + 46 : central + 46 + len(name)] == name
    data[central + 24 : central + 28] = (1024).to_bytes(4, "little")  # the entry's uncompressed size
    path.write_bytes(bytes(data))


def many_cells(path: Path, cells: int, distinct_strings: bool = False) -> None:
    """A workbook of ``cells`` small cells (or distinct shared strings) in rows of 50: the most cells per byte."""
    width = 50
    if distinct_strings:
        strings = (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            *(b"".join(b"<si><t>%d</t></si>" % (n + i) for i in range(10_000)) for n in range(0, cells, 10_000)),
            b"</sst>",
        )
        rows = (
            b"<row>" + b"".join(b'<c t="s"><v>%d</v></c>' % (r * width + c) for c in range(width)) + b"</row>"
            for r in range(cells // width)
        )
    else:
        # Random digits, so the sheet packs like real data (under 100 to 1), not like a bomb.
        strings = None
        rng = random.Random(cells)
        rows = (
            b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.randrange(10) for _ in range(width)) + b"</row>"
            for _ in range(cells // width)
        )
    write_workbook(path, sheet_xml(rows), strings)
