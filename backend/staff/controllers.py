"""HTTP API of the staff domain: sign-in, the current user, user management."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import Cookie
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from backend.access import Principal, Role, allow, current, signed_in
from backend.access import check_user_read as check_read
from backend.schemas import Limit, Offset, Page, PathId, Search, Sort
from backend.settings import get_settings
from backend.staff import service
from backend.staff.auth import CSRF_COOKIE, SESSION_COOKIE
from backend.staff.schemas import LoginIn, LoginOut, UserIn, UserOut, UserPatch, ZoneIn, ZoneOut


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=HTTP_200_OK)
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn]
    ) -> Response[LoginOut]:
        """Sign in: a bearer token for API clients and an HttpOnly cookie for the PWA."""
        out = await service.login(data.email, data.password, client_ip(request))
        max_age = int(get_settings().token_ttl.total_seconds())
        secure = get_settings().secure_cookies
        return Response(
            out,
            cookies=[
                Cookie(
                    key=SESSION_COOKIE,
                    value=out.token,
                    max_age=max_age,
                    httponly=True,
                    samesite="lax",
                    secure=secure,
                ),
                Cookie(
                    key=CSRF_COOKIE,
                    value=out.csrf_token,
                    max_age=max_age,
                    httponly=False,
                    samesite="strict",
                    secure=secure,
                ),
            ],
        )

    @post("/logout", status_code=HTTP_204_NO_CONTENT, guards=[signed_in])
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """Revoke this sign-in: its token and cookie stop working at once."""
        await service.logout(current(request))
        return Response(
            None,
            status_code=HTTP_204_NO_CONTENT,
            cookies=[
                Cookie(key=SESSION_COOKIE, value="", max_age=0),
                Cookie(key=CSRF_COOKIE, value="", max_age=0),
            ],
        )


class MeController(Controller):
    path = "/api/me"
    tags = ["staff"]
    guards = [signed_in]

    @get("")
    async def me(self, request: Request[Any, Any, Any]) -> UserOut:
        return await service.get_user(current(request).id)


class UserController(Controller):
    path = "/api/users"
    tags = ["staff"]
    guards = [signed_in]

    @post("", guards=[allow(Role.ADMIN)])
    async def create(self, data: JSONBody[UserIn]) -> UserOut:
        return await service.create_user(data)

    @get("", guards=[allow(Role.ADMIN, Role.SUPERVISOR)])
    async def index(
        self,
        role: FromQuery[Role | None] = None,
        q: Search = None,
        active: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[UserOut]:
        """Staff by role, active, part of the name or email; ?sort= name, email, role, active."""
        return await service.list_users(role, q, active, limit, offset, sort=sort)

    @get("/{user_id:int}")
    async def show(self, request: Request[Any, Any, Any], user_id: PathId) -> UserOut:
        principal: Principal = current(request)
        check_read(principal, user_id)
        return await service.get_user(user_id)

    @patch("/{user_id:int}", guards=[allow(Role.ADMIN)])
    async def update(self, user_id: PathId, data: JSONBody[UserPatch]) -> UserOut:
        return await service.update_user(user_id, data)


class ZoneController(Controller):
    path = "/api/zones"
    tags = ["staff"]
    guards = [allow(Role.ADMIN, Role.SUPERVISOR)]

    @post("", guards=[allow(Role.ADMIN)])
    async def create(self, data: JSONBody[ZoneIn]) -> ZoneOut:
        """A service area; engineers with this zone are dispatched only to jobs inside it."""
        return await service.create_zone(data)

    @get("")
    async def index(self) -> list[ZoneOut]:
        return await service.list_zones()

    @get("/{zone_id:int}")
    async def show(self, zone_id: PathId) -> ZoneOut:
        return await service.get_zone(zone_id)

    @put("/{zone_id:int}", guards=[allow(Role.ADMIN)])
    async def replace(self, zone_id: PathId, data: JSONBody[ZoneIn]) -> ZoneOut:
        """Redraw or rename a zone (the same checks as a new one); its engineers keep it."""
        return await service.update_zone(zone_id, data)
