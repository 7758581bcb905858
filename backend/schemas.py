"""Shapes shared by every domain: pagination, ids, coordinates, phone and email strings."""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Generic, Protocol, TypeVar

import msgspec
from litestar.params import PathParameter, QueryParameter

from backend import db
from backend.errors import Invalid

T = TypeVar("T")

# Ids are PostgreSQL integers: a value outside int4 cannot exist, so it is a 400, never a 500.
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Lng = Annotated[float, msgspec.Meta(ge=-180, le=180)]
# Text limits match their columns (tests/security/test_input_lengths.py holds every schema to it).
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
# A person's or a zone's name: varchar(120) columns.
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9+()\-. ]{3,40}$")]
Email = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
INT4_MAX = 2_147_483_647
# Parameters of the URL (path and query): Litestar validates these itself.
PathId = Annotated[int, PathParameter(ge=1, le=INT4_MAX)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=INT4_MAX)]
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0, le=INT4_MAX)]
Token = Annotated[str, PathParameter(min_length=1, max_length=64)]
Search = Annotated[str | None, QueryParameter(max_length=100)]
# A list's order: a column's name, "-" first for descending (?sort=-created_at).
Sort = Annotated[
    str | None,
    QueryParameter(max_length=40, pattern=r"^-?[a-z_]+$", description="column; -column descends"),
]
# A range of business days (the boards): ?from=YYYY-MM-DD&to=YYYY-MM-DD.
DateFrom = Annotated[date | None, QueryParameter(name="from", description="first day")]
DateTo = Annotated[date | None, QueryParameter(name="to", description="last day (today)")]


def order_by(sort: str | None, columns: dict[str, str], default: str, tiebreak: str) -> str:
    """An ORDER BY for ?sort= among `columns` (name → SQL expression), ties broken by `tiebreak`
    so that offset paging never shows a row twice or skips one."""
    if not sort:
        return f"{default}, {tiebreak}"
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name not in columns:
        raise Invalid("sort", f"one of {', '.join(sorted(columns))}, with '-' first to descend")
    direction = "DESC NULLS LAST" if descending else "ASC NULLS FIRST"
    return f"{columns[name]} {direction}, {tiebreak}"


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every request body: an unknown field is a 400 naming it, not silently dropped."""


S = TypeVar("S", bound=msgspec.Struct)


class Row(Protocol):
    """A database row (asyncpg.Record) or any mapping of column names."""

    def __getitem__(self, column: str, /) -> Any: ...


def from_row(cls: type[S], row: Row, **computed: Any) -> S:
    """A response struct from a database row whose columns carry the struct's field names;
    `computed` gives the fields the row does not hold."""
    if not computed:
        positional = _positional(cls)
        if positional is not None:
            return cls(*positional(row))
    return cls(**{k: computed[k] if k in computed else row[k] for k in cls.__struct_fields__})


@functools.cache
def _positional(cls: type[msgspec.Struct]) -> Callable[[Row], tuple[Any, ...]] | None:
    """The struct's fields read from a row in one C call, in the order its constructor takes
    them (a list page builds thousands: 4-7 x faster than a dict of keywords); None for a
    keyword-only struct."""
    parameters = inspect.signature(cls).parameters.values()
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters):
        return None
    fields = cls.__struct_fields__
    if len(fields) == 1:
        return lambda row: (row[fields[0]],)
    return operator.itemgetter(*fields)


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


async def page(
    cls: type[S], select: str, where: str, args: list[Any], order: str, limit: int, offset: int
) -> Page[S]:
    """One page of `select WHERE where` as response structs, with the total."""
    rows, total = await db.fetch_page(select, where, args, order, limit, offset)
    return Page(items=[from_row(cls, r) for r in rows], total=total, limit=limit, offset=offset)
