"""Domain exceptions and the one JSON error shape every response uses."""

from __future__ import annotations

import logging
import re
import socket
from typing import Any

import asyncpg
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


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached now (no pool, or the pool's server is gone)."""


# What a database outage looks like from here: no pool; the server refusing, restarting or
# dropping connections (SQLSTATE classes 08 and 57P, too many clients); the socket failing.
OUTAGE: tuple[type[BaseException], ...] = (
    DatabaseUnavailable,
    ConnectionError,  # refused, reset, aborted
    TimeoutError,
    socket.gaierror,  # the database's host name does not resolve
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)
# Seconds a client should wait before trying again during an outage.
OUTAGE_RETRY_AFTER = 5


def is_outage(exc: BaseException) -> bool:
    if isinstance(exc, OUTAGE):
        return True
    # asyncpg's pool, closed under a request: an InterfaceError naming it.
    return isinstance(exc, asyncpg.InterfaceError) and "pool is clos" in str(exc)


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return Response(
        {"detail": exc.detail, **exc.extra}, status_code=exc.status_code, headers=headers
    )


_AT_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_NAMED_FIELD = re.compile(r"field `(?P<name>[^`]+)`")


def field_of(message: str, parent: str = "") -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.items[0].qty`" → ("items[0].qty", "Expected
    `int`, got `str`"); a missing or unknown field is named inside its parent."""
    at = _AT_PATH.search(message)
    path = at.group("path") if at else ""
    if at:
        message = message[: at.start()]
    path = path or parent
    named = _NAMED_FIELD.search(message)  # "missing required field `x`", "unknown field `x`"
    if named:
        return (f"{path}.{named.group('name')}" if path else named.group("name")), message
    return path or "body", message


def _field_errors(exc: ValidationException) -> list[dict[str, str]]:
    """Litestar's validation extras, reshaped to [{field, message}] naming the offending field."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        key = str(item.get("key") or "")
        # For a nested object Litestar puts the parent's path in "key" and drops the " - at".
        parent = key if key not in ("", "data") else ""
        field, message = field_of(str(item.get("message", "invalid value")), parent)
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


def outage_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    return Response(
        {"detail": "The service is briefly unavailable (database); try again shortly"},
        status_code=503,
        headers={"Retry-After": str(OUTAGE_RETRY_AFTER)},
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_outage(exc):
        return outage_handler(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response({"detail": "Internal server error"}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    DatabaseUnavailable: outage_handler,
    ConnectionError: outage_handler,
    TimeoutError: outage_handler,
    socket.gaierror: outage_handler,
    asyncpg.PostgresConnectionError: outage_handler,
    asyncpg.ConnectionDoesNotExistError: outage_handler,
    asyncpg.CannotConnectNowError: outage_handler,
    asyncpg.AdminShutdownError: outage_handler,
    asyncpg.CrashShutdownError: outage_handler,
    asyncpg.TooManyConnectionsError: outage_handler,
    Exception: internal_error_handler,
}
