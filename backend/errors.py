"""Domain exceptions and the one JSON error shape every response uses."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("fieldline")


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Invalid(DomainError):
    """A value that passed the schema but not the domain rules."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__("Validation failed", errors=[{"field": field, "message": message}])


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return Response(
        {"detail": exc.detail, **exc.extra}, status_code=exc.status_code, headers=headers
    )


_AT_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_NAMED_FIELD = re.compile(r"field `(?P<name>[^`]+)`")


def _field_errors(exc: ValidationException) -> list[dict[str, str]]:
    """Litestar's validation extras, reshaped to [{field, message}] naming the offending field."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        message = str(item.get("message", "invalid value"))
        at = _AT_PATH.search(message)
        path = at.group("path") if at else ""
        if at:
            message = message[: at.start()]
        named = _NAMED_FIELD.search(message)  # "missing required field `x`", "unknown field `x`"
        key = str(item.get("key") or "")
        # For a nested object Litestar puts the parent's path in "key" and drops the " - at".
        parent = path or (key if key not in ("", "data") else "")
        if named:
            field = f"{parent}.{named.group('name')}" if parent else named.group("name")
        else:
            field = parent or "body"
        errors.append({"field": field, "message": message})
    if not errors:
        errors.append({"field": "body", "message": str(exc.detail)})
    return errors


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    return Response({"detail": "Validation failed", "errors": _field_errors(exc)}, status_code=400)


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    body: dict[str, Any] = {"detail": exc.detail}
    if exc.status_code == 400:  # a body that could not be read at all (bad JSON, bad encoding)
        body["errors"] = [{"field": "body", "message": exc.detail}]
    return Response(body, status_code=exc.status_code, headers=exc.headers)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response({"detail": "Internal server error"}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
