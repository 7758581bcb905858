"""Spreadsheet exports (CSV and XLSX): the one way rows leave as a file for Excel or WPS.

Every text cell is neutralised against formula injection: a customer's rating comment
`=HYPERLINK(...)` or a rep's account name `@SUM(...)` must reach the supervisor as text, never as
a formula (OWASP "CSV injection"). A cell beginning with = + - @, a tab or a carriage return gets a
leading apostrophe. Numbers and dates are ours, never neutralised. CSV starts with a UTF-8 BOM so
that Chinese Excel reads it as UTF-8, and says its charset once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Response

# Litestar adds "; charset=utf-8" to a text/ type itself: naming it here too sent it twice.
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """A cell as it may go out: text that a spreadsheet would read as a formula gets a "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(items: Iterable[Any], columns: Sequence[str]) -> list[list[Any]]:
    """Structs or dicts as rows of `columns`, with the JSON's values (the API's own encoding)."""
    plain = msgspec.to_builtins(list(items))
    return [[row.get(c) for c in columns] for row in plain]


def _disposition(filename: str) -> str:
    """attachment; an ASCII name for old clients and the UTF-8 name (RFC 6266) for the rest."""
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # to the second, in the zone it carries (ours: UTC)
        return value.isoformat(sep=" ", timespec="seconds")
    return neutralise(value)


def csv_bytes(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def csv_response(
    rows: Iterable[Sequence[Any]], header: Sequence[str], filename: str
) -> Response[bytes]:
    """Rows as a CSV download named `filename` (".csv" added when missing)."""
    if not filename.endswith(".csv"):
        filename += ".csv"
    return Response(
        csv_bytes(rows, header),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": _disposition(filename)},
    )


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no zones; the API's times are UTC
    if isinstance(value, str | int | float | bool | date) or value is None:
        return neutralise(value)
    return neutralise(str(value))


def xlsx_bytes(
    rows: Iterable[Sequence[Any]], header: Sequence[str], sheet: str = "Export"
) -> bytes:
    from openpyxl import Workbook  # imported on use: only exports need it

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append([neutralise(h) for h in header])
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(
    rows: Iterable[Sequence[Any]], header: Sequence[str], filename: str, sheet: str = "Export"
) -> Response[bytes]:
    """Rows as an XLSX download named `filename` (".xlsx" added when missing)."""
    return xlsx_download(xlsx_bytes(rows, header, sheet), filename)


def xlsx_download(body: bytes, filename: str) -> Response[bytes]:
    """A workbook made by xlsx_bytes (in a worker thread, for a big one) as a download."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    return Response(
        body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": _disposition(filename)}
    )
