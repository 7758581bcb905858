"""A route that reads a JSON body takes it only as JSON: anything else is a 415.

A browser sends text/plain, form-urlencoded and multipart across sites without asking first, so a
JSON body read whatever its Content-Type lets another site post to the API (login CSRF: signing a
victim into the attacker's account). application/json is a type it may only send after a CORS
preflight, which this API never grants.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg

from backend.errors import DomainError

_reads_json: dict[int, bool] = {}


class UnsupportedMediaType(DomainError):
    status_code = 415

    def __init__(self, sent: str) -> None:
        super().__init__(
            "Send the body as application/json",
            errors=[{"field": "Content-Type", "message": f"must be application/json, not {sent}"}],
        )


def reads_json(handler: HTTPRouteHandler) -> bool:
    """Whether the handler takes `data` decoded from JSON (Litestar's default body encoding)."""
    key = id(handler)
    if key not in _reads_json:
        field = handler.parsed_fn_signature.parameters.get("data")
        kwarg = field.kwarg_definition if field is not None else None
        _reads_json[key] = field is not None and (
            not isinstance(kwarg, BodyKwarg) or kwarg.media_type == RequestEncodingType.JSON
        )
    return _reads_json[key]


def is_json(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def require_json(request: Request[Any, Any, Any]) -> None:
    """415 for a body that is not declared JSON on a route that reads JSON."""
    if not reads_json(request.route_handler):
        return
    sent = request.headers.get("content-type")
    if sent is None:
        has_body = request.headers.get("content-length", "0") != "0" or (
            "transfer-encoding" in request.headers
        )
        if has_body:
            raise UnsupportedMediaType("none")
        return
    if not is_json(sent):
        raise UnsupportedMediaType(sent.partition(";")[0].strip()[:100] or "none")
