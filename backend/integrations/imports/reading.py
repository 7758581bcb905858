"""A spreadsheet's header and rows from the bytes of an .xlsx or a .csv (UTF-8 with or without a
BOM, or GBK as Chinese Excel saves it), every cell as trimmed text or None."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from backend.errors import Invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000

# The header, and each data row with its line number in the file (the header is line 1).
Sheet = tuple[list[str], list[tuple[int, list[str | None]]]]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 13800138000 as a float
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # a superset of GBK: what Chinese Excel writes
    except UnicodeDecodeError as exc:
        raise Invalid("file", "a CSV must be UTF-8 or GBK text") from exc


def _csv(raw: bytes) -> list[list[str | None]]:
    text = _decode(raw)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_text(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(raw: bytes) -> list[list[str | None]]:
    from openpyxl import load_workbook  # imported on use: only imports and exports need it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Invalid("file", "not a readable .xlsx workbook") from exc
    try:
        sheet = book.worksheets[0]
        return [[_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read(raw: bytes, filename: str) -> Sheet:
    """The header (first non-empty row) and the data rows, blank rows dropped (the others keep
    their line numbers, so errors name the line the user sees)."""
    if len(raw) > MAX_BYTES:
        raise Invalid("file", f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    name = filename.lower()
    if name.endswith(".xlsx") or raw.startswith(b"PK\x03\x04"):
        rows = _xlsx(raw)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _csv(raw)
    else:
        raise Invalid("file", "an .xlsx or .csv file")
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(c is not None for c in r)]
    if not numbered:
        raise Invalid("file", "the file has no rows")
    header = [c or f"column {i + 1}" for i, c in enumerate(numbered[0][1])]
    body = numbered[1:]
    if len(body) > MAX_ROWS:
        raise Invalid("file", f"more than {MAX_ROWS} rows; split the file")
    width = len(header)
    return header, [(n, (r + [None] * width)[:width]) for n, r in body]
