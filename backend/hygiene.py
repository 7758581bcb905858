"""Generic input checks every request passes before a handler sees it: no NUL byte and no lone
surrogate in any text (body, path, query), JSON no deeper than a limit, derived keys bounded.

PostgreSQL refuses a NUL in text and asyncpg cannot encode a lone surrogate: both were 500s from
any client (issue 10). A JSON body nested a thousand deep made the decoder recurse to a 500 too.
Here each is a 400 naming the field, the one error shape of backend/errors.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.serialization import decode_json
from litestar.types import Empty

from backend.errors import Invalid

# No request body of ours nests past a handful of levels (complete → parts → item); 32 is ample.
MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deep the JSON's arrays and objects nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_depth(body: bytes) -> None:
    # Counting is cheap; scanning only when there are enough brackets keeps the common case free.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and json_depth(body) > MAX_JSON_DEPTH:
        raise Invalid("body", f"JSON nested too deep (at most {MAX_JSON_DEPTH} levels)")


def text_problem(text: str) -> str | None:
    """Why text cannot be stored (None when it can)."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (it holds a lone surrogate)"
    return None


def bad_texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field, problem) for every string of a decoded JSON value (keys too) that cannot be stored;
    the field is the dotted path (items.0.serial_in)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield path or "body", problem
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            problem = text_problem(str(key))
            if problem:
                yield path or "body", f"a field name {problem}"
                continue
            yield from bad_texts(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from bad_texts(item, f"{path}.{index}" if path else str(index))


def check_json(value: Any) -> None:
    for field, problem in bad_texts(value):
        raise Invalid(field, problem)


class CheckedRequest(Request[Any, Any, State]):
    """Litestar's request: the JSON body is depth-checked before decoding, its texts after."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            body = await self.body()
            check_depth(body)
            decoded = decode_json(
                body or b"null", type_decoders=self.route_handler.resolve_type_decoders()
            )
            check_json(decoded)
            self._json = self._connection_state.json = decoded
        return await super().json()


async def check_url(request: Request[Any, Any, Any]) -> None:
    """A before_request hook: path parameters and query parameters (names and values)."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise Invalid(name, problem)
    for name, values in request.query_params.dict().items():
        for text in (name, *values):
            problem = text_problem(text) if isinstance(text, str) else None
            if problem:
                raise Invalid(name if text_problem(name) is None else "query", problem)


def bounded(key: str, length: int) -> str:
    """A derived key (NFKC, casefold) cut to its column: normalising may lengthen a text
    (ß → ss, ﷺ → 18 letters) past what the source's own limit allowed."""
    return key[:length]
