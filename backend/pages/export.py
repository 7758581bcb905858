"""A back-office list as a file: `<list path>/export?format=csv|xlsx&<the list's filters>`.

Every list page builds its list the same way for the page and for the file: a `Fetch` made from
the page's query parameters (limit and offset apart), so the download holds exactly what the
page filtered and ordered — every row of it up to listing.EXPORT_LIMIT, not the page on screen.
Columns are declared once per list with English msgids, and the headers (and the words for
codes such as a status) come out in the reader's language. The file itself is written by
backend/exports.py: CSV in UTF-8 with a BOM, or XLSX, formulas neutralised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import QueryParameter

from backend import exports
from backend.clock import now_utc
from backend.pages import i18n
from backend.pages.listing import EXPORT_LIMIT
from backend.schemas import Page


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


ExportFormat = Annotated[Format, QueryParameter(description="csv (UTF-8 with BOM) or xlsx")]
# A list's rows for (limit, offset): the list page's own list function, its filters applied.
Fetch = Callable[[int, int], Awaitable[Page[Any]]]


@dataclass(frozen=True)
class Column:
    label: str  # English msgid of the header, translated for the reader
    value: Callable[[Any], Any]  # an item of the list → its cell
    codes: dict[str, str] | None = None  # a code's msgid (a status's word), translated too


def field(label: str, name: str, codes: dict[str, str] | None = None) -> Column:
    """A column showing the item's attribute `name`."""
    return Column(label, lambda item: getattr(item, name), codes)


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # a number in the sheet, not text
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return getattr(value, "value", value)  # an enum as its code


def rows_of(
    items: Sequence[Any], columns: Sequence[Column], gettext: Callable[[str], str]
) -> list[list[Any]]:
    rows = []
    for item in items:
        row = []
        for column in columns:
            value = _cell(column.value(item))
            if column.codes is not None and value is not None:
                value = gettext(column.codes.get(str(value), str(value)))
            row.append(value)
        rows.append(row)
    return rows


async def download(
    request: Request[Any, Any, Any],
    fmt: Format,
    fetch: Fetch,
    columns: Sequence[Column],
    name: str,
) -> Response[bytes]:
    """Every row of the list's filter (up to EXPORT_LIMIT) as `<name>-<date>.csv|.xlsx`."""
    found = await fetch(EXPORT_LIMIT, 0)
    gettext = i18n.translations(i18n.choose(request).locale).gettext
    header = [gettext(column.label) for column in columns]
    rows = rows_of(found.items, columns, gettext)
    filename = f"{name}-{now_utc().date().isoformat()}"
    headers = {"X-Total-Count": str(found.total), "Vary": "Accept-Language, Cookie"}
    if fmt is Format.XLSX:
        # Up to EXPORT_LIMIT rows take seconds of openpyxl: off the event loop, which keeps
        # answering everyone else meanwhile.
        body = await asyncio.to_thread(exports.xlsx_bytes, rows, header, name)
        response = exports.xlsx_download(body, filename)
    else:
        response = exports.csv_response(rows, header, filename)
    response.headers.update(headers)
    return response
