"""Permission rows of the back office's admin pages (run by tests/test_permissions.py): signed
out → the sign-in page; roles outside access.PAGE_ROLES → a 403 page; pages whose only use is an
admin's form → 403 for supervisors too."""

from __future__ import annotations

from tests.support.matrix import Case

CASES = [
    Case("GET", "/users", (302, 200, 200, 403, 403)),
    Case("GET", "/users/new", (302, 200, 403, 403, 403)),
    Case("GET", "/users/{engineer}", (302, 200, 200, 403, 403), route="/users/{user_id}"),
    Case("GET", "/users/{rep}", (302, 200, 200, 403, 403), route="/users/{user_id}"),
]
CASES += [
    Case("GET", "/zones", (302, 200, 200, 403, 403)),
    Case("GET", "/zones/new", (302, 200, 403, 403, 403)),
    Case("GET", "/zones/{zone}", (302, 200, 200, 403, 403), route="/zones/{zone_id}"),
]
CASES += [
    Case("GET", "/catalogue", (302, 200, 200, 403, 403)),
    Case("GET", "/catalogue/parts", (302, 200, 200, 403, 403)),
    Case("GET", "/catalogue/products/new", (302, 200, 403, 403, 403)),
    Case("GET", "/catalogue/parts/new", (302, 200, 403, 403, 403)),
    Case(
        "GET",
        "/catalogue/products/{product}",
        (302, 200, 200, 403, 403),
        route="/catalogue/products/{product_id}",
    ),
    Case(
        "GET",
        "/catalogue/parts/{part}",
        (302, 200, 200, 403, 403),
        route="/catalogue/parts/{part_id}",
    ),
]
