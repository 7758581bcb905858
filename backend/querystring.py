"""Query strings are checked like bodies: a parameter the route does not take is a 400 naming it.

Without this, `?date_from=` on a board (whose JSON calls the field date_from, while the route
takes `from`) was silently ignored and the answer looked like a filter that worked. It runs once
for every API route (Litestar's before_request hook) and for the pages that ask for it with
opt={"strict_query": True}; a page always takes ?lang= (the language switch).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg, DependencyKwarg, ParameterKwarg

from backend.errors import Invalid

# Names Litestar fills from the request itself, never from the query string.
RESERVED = {"request", "socket", "headers", "cookies", "scope", "state", "data", "body", "self"}
PAGE_PARAMETERS = {"lang"}
_known: dict[int, frozenset[str] | None] = {}


def query_names(handler: HTTPRouteHandler) -> frozenset[str] | None:
    """The query parameters a handler takes (None: it reads the whole query string itself)."""
    key = id(handler)
    if key in _known:
        return _known[key]
    names: set[str] = set()
    found: frozenset[str] | None
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name == "query":
            _known[key] = None
            return None
        if name in RESERVED or isinstance(kwarg, BodyKwarg | DependencyKwarg):
            continue
        if isinstance(kwarg, ParameterKwarg):
            if kwarg.header or kwarg.cookie:
                continue
            # QueryParameter(name="from") renames the parameter; Parameter(query="x") too.
            names.add(kwarg.query or getattr(kwarg, "name", None) or name)
        else:
            names.add(name)
    found = frozenset(names)
    _known[key] = found
    return found


async def reject_unknown_query(request: Request[Any, Any, Any]) -> None:
    if not request.query_params:
        return
    handler = request.route_handler
    is_api = request.url.path.startswith("/api/")
    if not is_api and not handler.opt.get("strict_query"):
        return
    known = query_names(handler)
    if known is None:
        return
    allowed = known if is_api else known | PAGE_PARAMETERS
    for name in request.query_params:
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) or "none"
            raise Invalid(name, f"unknown query parameter; this address takes: {takes}")
