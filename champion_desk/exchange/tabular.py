"""Read a table of text cells from a CSV or XLSX file, refusing files that are not one, clearly.

HR systems export rosters in many shapes: UTF-8 with or without a byte-order mark, Windows-1252
from older Excel, UTF-16 "Unicode text", commas, semicolons (European Excel) or tabs, CRLF line
ends, or an .xlsx workbook. Every refusal names the file and says what to do instead.

A file is checked as a whole before it is trusted: a CSV is decoded in one encoding from its first
byte to its last (guessing per line is how names turned into "GrÃ¡inne"), and a workbook's zip
members are measured, declared and actual sizes both, before openpyxl inflates any of them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from champion_desk.errors import ChampionDeskError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# A workbook unpacks to at most this much XML, and its cells (rows x columns as read) are bounded:
# the worst workbook within both limits found (64 MiB of distinct shared strings) peaked at 250 MiB
# while read (README, "How your data is protected"); a 10,000-row ESR-style roster unpacks to 4.3 MB.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
MAX_XLSX_CELLS = 2_000_000
# Spreadsheet XML packs 5-30 to one (a 10,000-row roster written by openpyxl: see README); a zip bomb, thousands.
MAX_XLSX_RATIO = 100
_RATIO_FROM = 1024 * 1024  # smaller members are too small to matter, however well they pack
_DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TableFileError(ChampionDeskError):
    """A file cannot be read as a table (empty, binary, wrong encoding, too large, no rows)."""


@dataclass
class TableFile:
    """The header and rows of one file; each row keeps its line number in the file (header = 1)."""

    path: Path
    kind: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_line: int = 1

    def describe(self) -> str:
        """Return e.g. 'CSV, UTF-8, comma-separated; 120 rows'."""
        return f"{self.kind}; {len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"


# What a damaged workbook raises from openpyxl while it is opened or read. SyntaxError: the XML
# parser's ParseError; IndexError: a cell naming a shared string the file lacks.
_WORKBOOK_DAMAGE = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    EOFError,
    zlib.error,
)


def read_table(path: Path | str, encoding: str | None = None) -> TableFile:
    """Read a CSV or XLSX file into a TableFile.

    ``encoding`` names a CSV's encoding when it has no byte-order mark and is not UTF-8 (e.g.
    ``cp1252`` from older Excel). Raises FileNotFoundError, or TableFileError with a message a
    ward user can act on.
    """
    path = Path(path)
    if path.is_dir():
        raise TableFileError(f"{path} is a folder; choose a CSV or Excel (.xlsx) file.")
    codec = _codec(encoding) if encoding else None
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise TableFileError(
            f"{path.name} is {size / 1024 / 1024:.1f} MB; a roster may be at most {MAX_BYTES // 1024 // 1024} MB. "
            "Is this the right file? Export only the staff list (name, staff number, role, ward)."
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_ZIP_MAGIC):
        table = _read_xlsx(path)
    elif head.startswith(_OLE_MAGIC):
        raise TableFileError(
            f"{path.name} is an old-style Excel .xls file; open it in Excel and save it as .xlsx or CSV."
        )
    else:
        table = _read_csv(path, path.read_bytes(), codec)
    if not table.rows:
        raise TableFileError(f"{path.name} has a header line but no rows below it: nothing to import.")
    return table


ENCODING_HINT = "e.g. cp1252 for older Excel on Windows, utf-16, latin-1"


def _codec(name: str) -> codecs.CodecInfo:
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise TableFileError(f"encoding: {name!r} is not a text encoding ({ENCODING_HINT}).") from None
    if not getattr(info, "_is_text_encoding", True):
        raise TableFileError(f"encoding: {name!r} is not a text encoding ({ENCODING_HINT}).")
    return info


# A valid UTF-8 sequence of two or more bytes: what a cp1252 file should never hold (it would read as "Ã¡").
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _one_byte(name: str) -> bool:
    """Return True for an encoding that reads every byte as one character (cp1252, latin-1)."""
    return len(bytes(range(256)).decode(name, errors="replace")) == 256


def _decode(path: Path, raw: bytes, codec: codecs.CodecInfo | None = None) -> tuple[str, str]:
    """Decode the whole file in one encoding: its byte-order mark's, else the one given, else UTF-8.

    Raises TableFileError naming the line of the first byte that is not text in that encoding.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        name, label, body, offset = "utf-8", "UTF-8", raw[3:], 3
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        name, label, body, offset = ("utf-16-le" if raw[0] == 0xFF else "utf-16-be"), "UTF-16", raw[2:], 2
    elif codec is not None:
        name, label, body, offset = codec.name, codec.name, raw, 0
    else:
        name, label, body, offset = "utf-8", "UTF-8", raw, 0
    try:
        text = body.decode(name)
    except UnicodeDecodeError as exc:
        # Everything before the first bad byte decodes: count its line ends, in that encoding.
        line = body[: exc.start].decode(name, errors="replace").count("\n") + 1
        byte = body[exc.start]
        advice = "Save the whole roster again from Excel as 'CSV UTF-8'" + (
            "."
            if codec is not None or offset
            else ", or choose its encoding if it all comes from one older program "
            "(Windows-1252 for older Excel: --encoding cp1252)."
        )
        raise TableFileError(
            f"{path.name}, line {line}: byte 0x{byte:02X} is not {label} text; a roster must be in one encoding "
            f"throughout (this one is not {label}, or mixes encodings). {advice}"
        ) from None
    if codec is not None and not offset and _one_byte(name):
        # A one-byte encoding reads any byte, so a UTF-8 line in a cp1252 file would pass as mojibake.
        found = _UTF8_SEQUENCE.search(raw)
        if found:
            line = raw.count(b"\n", 0, found.start()) + 1
            raise TableFileError(
                f"{path.name}, line {line}: holds UTF-8 text though it was read as {label}: "
                "the file mixes encodings. Save the whole roster again from Excel as 'CSV UTF-8'."
            )
    return text, label


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return "\x00" in sample or controls > max(2, len(sample) // 200)


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    sample = text[:65536]
    try:
        found = csv.Sniffer().sniff(sample[: sample.rfind("\n") + 1] or sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    # The sniffer guesses from character frequencies; trust it only when the header agrees.
    if found and found in first:
        return found
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(path: Path, raw: bytes, codec: codecs.CodecInfo | None = None) -> TableFile:
    if not raw.strip():
        raise TableFileError(f"{path.name} is empty: nothing to import.")
    text, encoding = _decode(path, raw, codec)
    if _looks_binary(text):
        raise TableFileError(
            f"{path.name} is not a text file (it holds binary data); choose a CSV or Excel (.xlsx) roster."
        )
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        # A quoted cell may span lines: number each row by the line it starts on.
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1

    try:
        headers, header_line, rows = _collect(path, numbered())
    except csv.Error as exc:
        raise TableFileError(f"{path.name}, line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    if headers is None:
        raise TableFileError(f"{path.name} holds no header line: nothing to import.")
    kind = f"CSV, {encoding}, {_DELIMITER_NAMES[delimiter]}-separated"
    return TableFile(path, kind, headers, rows, header_line)


def _collect(
    path: Path, numbered: Iterable[tuple[int, list[str]]]
) -> tuple[list[str] | None, int, list[tuple[int, list[str]]]]:
    """Split numbered rows into the header (the first non-blank row) and the non-blank rows below it."""
    headers: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    for line, cells in numbered:
        if not any(c.strip() for c in cells):
            continue
        if headers is None:
            headers, header_line = [c.strip() for c in cells], line
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise TableFileError(
                f"{path.name} has more than {MAX_ROWS:,} rows; a roster is smaller. Is this the right file?"
            )
    return headers, header_line, rows


def cell_text(value: object) -> str:
    """Return a spreadsheet cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        # Staff numbers typed into Excel become floats (12345.0); show them as typed.
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MiB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KiB"


def check_workbook(path: Path) -> None:
    """Refuse a workbook that would unpack to more than the reader can hold, before anything is inflated.

    Checks the sizes the zip declares, each large member's packing ratio, and then the bytes each
    member really inflates to (read in 1 MiB pieces, never held), so a zip that under-declares is
    caught too. Raises TableFileError.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > 1000:
                raise TableFileError(
                    f"{path.name} holds {len(members):,} files; an Excel workbook holds a few dozen. Is this the right file?"
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_XLSX_UNPACKED:
                raise TableFileError(_too_big(path, declared))
            for member in members:
                if member.file_size > _RATIO_FROM and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
                    raise TableFileError(
                        f"{path.name} is not a plain workbook: its part {member.filename!r} packs "
                        f"{_mib(member.file_size)} into {_mib(member.compress_size)} (more than {MAX_XLSX_RATIO} to 1, "
                        "as a zip bomb does). Save the roster again from Excel as .xlsx or CSV."
                    )
            actual = 0
            for member in members:
                sheet = member.filename.startswith("xl/worksheets/")
                cells, tail = 0, b""
                with archive.open(member) as part:
                    while chunk := part.read(1024 * 1024):
                        actual += len(chunk)
                        if actual > MAX_XLSX_UNPACKED:
                            raise TableFileError(_too_big(path, actual, "at least "))
                        if sheet:
                            # Counted here, a sheet of too many cells is refused in a second, not after
                            # openpyxl has parsed two million of them (~15 s). A tag may straddle two pieces.
                            cells += len(_CELL_TAG.findall(tail + chunk))
                            tail = chunk[-16:]
                            cells -= len(_CELL_TAG.findall(tail))
                if cells > MAX_XLSX_CELLS:
                    raise TableFileError(_too_many_cells(path))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
        ValueError,
        zlib.error,
    ) as exc:
        raise TableFileError(
            f"{path.name} is not a readable Excel workbook ({exc.__class__.__name__}); save it again as .xlsx or CSV."
        ) from exc


_CELL_TAG = re.compile(rb"<(?:\w{1,8}:)?c[\s/>]")


def _too_many_cells(path: Path, line: int | None = None) -> str:
    where = f"{path.name}, line {line}" if line else path.name
    return (
        f"{where}: the sheet holds more than {MAX_XLSX_CELLS:,} cells (rows × columns); a roster is smaller. "
        "Is this the right file? Export only the staff list."
    )


def _too_big(path: Path, size: int, prefix: str = "") -> str:
    return (
        f"{path.name} unpacks to {prefix}{_mib(size)}; a roster workbook may unpack to at most "
        f"{_mib(MAX_XLSX_UNPACKED)}. Is this the right file? Export only the staff list, or save it as CSV."
    )


def _read_xlsx(path: Path) -> TableFile:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, *_WORKBOOK_DAMAGE) as exc:
        raise TableFileError(
            f"{path.name} is not a readable Excel workbook ({exc.__class__.__name__}); save it again as .xlsx or CSV."
        ) from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        # The sheet's declared size ("A1:XFD1048576") is the file's word, not its content: without
        # it openpyxl yields the cells the XML holds, so a few bytes cannot stand for a billion cells.
        sheet.reset_dimensions()
        headers, header_line, rows = _collect(path, _sheet_rows(path, sheet))
    except _WORKBOOK_DAMAGE as exc:
        raise TableFileError(f"{path.name} is a damaged Excel workbook ({exc.__class__.__name__}).") from exc
    finally:
        workbook.close()
    if headers is None:
        raise TableFileError(f"{path.name}: the first sheet ('{sheet.title}') is empty: nothing to import.")
    # Excel reports trailing formatted-but-empty columns; drop them so rows are not 'ragged'.
    while headers and not headers[-1]:
        headers.pop()
    return TableFile(path, f"Excel workbook, sheet '{sheet.title}'", headers, rows, header_line)


def _sheet_rows(path: Path, sheet) -> Iterator[tuple[int, list[str]]]:
    """Yield each row's line and cells as text, padded to the header's width, within MAX_XLSX_CELLS."""
    seen = 0
    width = 0
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        seen += len(values)
        if seen > MAX_XLSX_CELLS:
            raise TableFileError(_too_many_cells(path, line))
        cells = [cell_text(v) for v in values]
        if not width and any(c.strip() for c in cells):
            width = len(cells)
        # The XML leaves out empty cells at a row's end; the rows must still line up with the header.
        yield line, cells + [""] * (width - len(cells))
