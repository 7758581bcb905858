"""The list building block of the back office: a page of a service's list, with the filters,
order and paging that produced it, and the links that change one of them.

A list page declares its query parameters (Litestar validates them, as on the API), calls its
domain's list function with them, and hands both here; office/macros.html draws the search
form, sortable headers, the pager with the total, and the CSV/XLSX links of the same filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from backend.schemas import Page

T = TypeVar("T")

PAGE_SIZES = (25, 50, 100, 200)
# An export takes every row of the filter, up to this many (a spreadsheet, not a backup).
EXPORT_LIMIT = 10_000


def _text(value: Any) -> str | None:
    """A filter's value as the query string writes it; None and "" mean "not filtered"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


@dataclass
class ListView(Generic[T]):
    path: str
    page: Page[T]
    filters: dict[str, Any] = field(default_factory=dict)  # q and each filter, as given
    sort: str | None = None
    exportable: bool = False  # the page has its /export route

    @property
    def params(self) -> dict[str, str]:
        shown = {k: _text(v) for k, v in self.filters.items()}
        if self.sort:
            shown["sort"] = self.sort
        return {k: v for k, v in shown.items() if v is not None}

    def value(self, name: str) -> str:
        return _text(self.filters.get(name)) or ""

    @property
    def filtered(self) -> bool:
        return any(_text(v) is not None for v in self.filters.values())

    def url(self, path: str | None = None, **changes: Any) -> str:
        """This list's address with some parameters changed (None drops one)."""
        params: dict[str, str | None] = {**self.params, "limit": str(self.page.limit)}
        if self.page.offset:
            params["offset"] = str(self.page.offset)
        params.update({k: _text(v) for k, v in changes.items()})
        if params.get("limit") == str(PAGE_SIZES[1]):
            params["limit"] = None  # the default needs no mention
        kept = {k: v for k, v in params.items() if v is not None and v != "0"}
        query = urlencode(kept)
        return f"{path or self.path}?{query}" if query else (path or self.path)

    # --- ordering --------------------------------------------------------------------------

    def sort_state(self, column: str) -> str | None:
        if self.sort == column:
            return "ascending"
        if self.sort == f"-{column}":
            return "descending"
        return None

    def sort_url(self, column: str) -> str:
        """Ascending first; the same header again descends."""
        wanted = f"-{column}" if self.sort == column else column
        return self.url(sort=wanted, offset=None)

    # --- paging ----------------------------------------------------------------------------

    @property
    def first(self) -> int:
        return min(self.page.offset + 1, self.page.total)

    @property
    def last(self) -> int:
        return min(self.page.offset + len(self.page.items), self.page.total)

    @property
    def prev_url(self) -> str | None:
        if self.page.offset <= 0:
            return None
        return self.url(offset=max(0, self.page.offset - self.page.limit))

    @property
    def next_url(self) -> str | None:
        if self.page.offset + self.page.limit >= self.page.total:
            return None
        return self.url(offset=self.page.offset + self.page.limit)

    def size_url(self, size: int) -> str:
        return self.url(limit=size, offset=None)

    def export_url(self, fmt: str) -> str:
        """The same filter and order, every row, as a file (the list's /export route)."""
        params = {**self.params, "format": fmt}
        return f"{self.path.rstrip('/')}/export?{urlencode(params)}"
