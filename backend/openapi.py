"""What /schema/openapi.json promises: the error shape we really send and each status an operation
can answer (issue 10: Litestar documented errors as {status_code, detail, extra}, and no 401, 403,
404, 409 or 429 at all).

Litestar builds the document from the handlers; this rewrites its error responses once, after it
is built, by rules that follow from how the API works (docs/security.md):
- every /api/ operation: 400 (a bad body, path or query parameter, also an unknown one) and 503
  (the database unreachable, with Retry-After);
- signed-in operations (all but /api/auth/login and /api/public/…): 401 and 403 (a role, an
  object not one's own, a cookie request without its CSRF token);
- an address with a parameter (an id, a QR token), or a signed-in write (its body names ids): 404;
- writes: 409 (an illegal state change, a duplicate, an Idempotency-Key reused with another
  body), 413 (body too large) and 415 (a body that is not JSON);
- /api/auth/login and /api/public/…: 429 with Retry-After (login throttle, public rate limit).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin  # no public hook runs after the build
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

ERROR_REF = "#/components/schemas/Error"
WRITES = ("post", "put", "patch", "delete")
PUBLIC_PREFIXES = ("/api/public/",)
PUBLIC_PATHS = ("/api/auth/login",)
THROTTLED_PREFIXES = ("/api/public/", "/api/auth/login")

ERROR_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["detail"],
    properties={
        "detail": Schema(type=OpenAPIType.STRING, description="what went wrong, in a sentence"),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            description="400: each field at fault, named by its path (items[0].qty)",
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": Schema(type=OpenAPIType.STRING),
                    "message": Schema(type=OpenAPIType.STRING),
                },
            ),
        ),
    },
    # A 409 adds what the client needs to settle it: duplicate_of, matches, status, visit, …
    additional_properties=True,
    description="The one error shape of every /api/ answer at or above 400.",
)

DESCRIPTIONS = {
    400: "Validation failed: a field of the body, path or query string (named in errors)",
    401: "Not signed in, or the session has ended",
    403: "Signed in, but this role or person may not do this",
    404: "No such object, or not one this person may know of",
    409: "Conflict: an illegal state change, a likely duplicate, or a reused Idempotency-Key",
    413: "Request body too large",
    415: "The body must be sent as application/json",
    429: "Too many requests: wait Retry-After seconds",
    503: "The service is briefly unavailable (database): retry after Retry-After seconds",
}
RETRY_AFTER = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.INTEGER), description="seconds to wait before retrying"
)


def statuses(path: str, method: str) -> list[int]:
    """The error statuses an /api/ operation can answer (the module's rules)."""
    if not path.startswith("/api/"):
        return []
    public = path.startswith(PUBLIC_PREFIXES) or path in PUBLIC_PATHS
    found = {400, 503}
    if not public:
        found |= {401, 403}
    if path == "/api/auth/login":
        found.add(401)
    if "{" in path or (method in WRITES and not public):
        found.add(404)  # an id in the path, or one named in the body (account_id, …)
    if method in WRITES:
        found |= {409, 413, 415}
    if path.startswith(THROTTLED_PREFIXES):
        found.add(429)
    return sorted(found)


def _error(status: int) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] | None = None
    if status in (429, 503):
        headers = {"Retry-After": RETRY_AFTER}
    return OpenAPIResponse(
        description=DESCRIPTIONS[status],
        content={"application/json": OpenAPIMediaType(schema=Reference(ref=ERROR_REF))},
        headers=headers,
    )


def _operations(item: Any) -> list[tuple[str, Operation]]:
    return [
        (method, op)
        for method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
        if (op := getattr(item, method, None)) is not None
    ]


def document(openapi: OpenAPI) -> OpenAPI:
    """Litestar's document with our error shape and statuses in place of its own."""
    if openapi.components.schemas is None:
        openapi.components.schemas = {}
    openapi.components.schemas["Error"] = ERROR_SCHEMA
    for path, item in (openapi.paths or {}).items():
        for method, operation in _operations(item):
            wanted = statuses(path, method)
            if not wanted:
                continue
            responses = dict(operation.responses or {})
            for code in [c for c in responses if c.isdigit() and int(c) >= 400]:
                del responses[code]
            for status in wanted:
                responses[str(status)] = _error(status)
            operation.responses = responses
    return openapi


class TruthfulOpenAPIPlugin(OpenAPIPlugin):
    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        return document(super()._build_openapi())


def install(app: Litestar) -> Litestar:
    """The app's OpenAPI plugin builds the truthful document (the same instance, its class
    swapped: Litestar makes the plugin itself)."""
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = TruthfulOpenAPIPlugin
    return app
