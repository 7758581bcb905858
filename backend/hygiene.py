"""Generic input checks every request passes before a handler sees it: no NUL byte and no lone
surrogate in any text (body, path, query), JSON no deeper than a limit, numbers that fit, strict
types, derived keys bounded.

PostgreSQL refuses a NUL in text and asyncpg cannot encode a lone surrogate: both were 500s from
any client (issue 10). A JSON body nested a thousand deep made the decoder recurse to a 500 too.
Litestar converts a body loosely ("vip": 0 became false, "lat": "1" a number) and JSON's 1e-400
silently became 0: a body is checked strictly against its schema first. Here each is a 400
naming the field, the one error shape of backend/errors.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import SerializationException
from litestar.types import Empty

from backend.errors import Invalid, field_of

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


class OutOfRange(float):
    """A JSON number a float cannot hold: 1e400 (infinite) or 1e-400 (would silently be 0)."""


def _number(text: str) -> float:
    """msgspec's hook for every JSON number with a fraction or exponent."""
    value = float(text)
    mantissa = text.lower().split("e")[0]
    if value in (float("inf"), float("-inf")) or (value == 0 and mantissa.strip("-+0.")):
        return OutOfRange(0.0)
    return value


_decoder = msgspec.json.Decoder(float_hook=_number)


def bad_values(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field, problem) for every string of a decoded JSON value (keys too) that cannot be stored
    and every number out of range; the field is its path (items[0].serial_in)."""
    if isinstance(value, OutOfRange):
        yield path or "body", "number out of range (too large or too small to store)"
    elif isinstance(value, str):
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
            yield from bad_values(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from bad_values(item, f"{path}[{index}]")


def check_json(value: Any) -> None:
    for field, problem in bad_values(value):
        raise Invalid(field, problem)


def check_types(value: Any, schema: Any) -> None:
    """The decoded body against its schema with no coercion: "vip": 0 is not a bool, "lat": "1"
    not a number (Litestar's own conversion, which follows, is lenient for query strings)."""
    try:
        msgspec.convert(value, type=schema, strict=True)
    except msgspec.ValidationError as exc:
        field, message = field_of(str(exc))
        raise Invalid(field, message) from exc


class CheckedRequest(Request[Any, Any, State]):
    """Litestar's request: the JSON body is depth-checked before decoding, its texts after."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            body = await self.body()
            check_depth(body)
            try:
                decoded = _decoder.decode(body or b"null")
            except msgspec.DecodeError as exc:
                raise SerializationException(str(exc)) from exc
            check_json(decoded)
            data = self.route_handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                check_types(decoded, data.annotation)
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
