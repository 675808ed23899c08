"""Read a table of text cells from a CSV or XLSX file, refusing files that are not one, clearly.

HR systems export rosters in many shapes: UTF-8 with or without a byte-order mark, Windows-1252
from older Excel, UTF-16 "Unicode text", commas, semicolons (European Excel) or tabs, CRLF line
ends, or an .xlsx workbook. Every refusal names the file and says what to do instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from champion_desk.errors import ChampionDeskError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
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


def read_table(path: Path | str) -> TableFile:
    """Read a CSV or XLSX file into a TableFile.

    Raises FileNotFoundError, or TableFileError with a message a ward user can act on.
    """
    path = Path(path)
    if path.is_dir():
        raise TableFileError(f"{path} is a folder; choose a CSV or Excel (.xlsx) file.")
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
        raise TableFileError(f"{path.name} is an old-style Excel .xls file; open it in Excel and save it as .xlsx or CSV.")
    else:
        table = _read_csv(path, path.read_bytes())
    if not table.rows:
        raise TableFileError(f"{path.name} has a header line but no rows below it: nothing to import.")
    return table


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            # Older Excel on Windows saves "CSV" in the Windows-1252 code page.
            try:
                return raw.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                pass
    raise TableFileError(
        f"{path.name} is not readable text (neither UTF-8 nor Windows-1252): "
        "it may not be a CSV file. Save the roster from Excel as 'CSV UTF-8' or .xlsx."
    )


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


def _read_csv(path: Path, raw: bytes) -> TableFile:
    if not raw.strip():
        raise TableFileError(f"{path.name} is empty: nothing to import.")
    text, encoding = _decode(path, raw)
    if _looks_binary(text):
        raise TableFileError(f"{path.name} is not a text file (it holds binary data); choose a CSV or Excel (.xlsx) roster.")
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


def _collect(path: Path, numbered: Iterable[tuple[int, list[str]]]) -> tuple[list[str] | None, int, list[tuple[int, list[str]]]]:
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
            raise TableFileError(f"{path.name} has more than {MAX_ROWS:,} rows; a roster is smaller. Is this the right file?")
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


def _read_xlsx(path: Path) -> TableFile:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableFileError(f"{path.name} is not a readable Excel workbook ({exc.__class__.__name__}); save it again as .xlsx or CSV.") from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        numbered = ((line, [cell_text(v) for v in values]) for line, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        headers, header_line, rows = _collect(path, numbered)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise TableFileError(f"{path.name} is a damaged Excel workbook ({exc.__class__.__name__}).") from exc
    finally:
        workbook.close()
    if headers is None:
        raise TableFileError(f"{path.name}: the first sheet ('{sheet.title}') is empty: nothing to import.")
    # Excel reports trailing formatted-but-empty columns; drop them so rows are not 'ragged'.
    while headers and not headers[-1]:
        headers.pop()
    return TableFile(path, f"Excel workbook, sheet '{sheet.title}'", headers, rows, header_line)
