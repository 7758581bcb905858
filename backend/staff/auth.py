"""Identifies the staff member behind a request (bearer token or session cookie) and checks CSRF."""

from __future__ import annotations

import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from backend.errors import Forbidden
from backend.staff import service

SESSION_COOKIE = "fl_session"
CSRF_COOKIE = "fl_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SessionAuthentication(AbstractAuthenticationMiddleware):
    """Resolves the principal, or None for anonymous requests; guards decide what needs one."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        via_cookie = False
        if scheme.lower() != "bearer" or not token:
            token = connection.cookies.get(SESSION_COOKIE, "")
            via_cookie = True
        principal = await service.principal_for_token(token.strip(), via_cookie) if token else None
        if (
            principal is not None
            and via_cookie
            and connection.scope.get("method") not in SAFE_METHODS
        ):
            # A cookie rides along on cross-site requests; the CSRF header proves the page is ours.
            sent = connection.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), principal.csrf_token.encode()):
                raise Forbidden("Missing or wrong CSRF token (send the X-CSRF-Token header)")
        return AuthenticationResult(user=principal, auth=token or None)
