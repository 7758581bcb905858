"""Permission rows of the HTML pages (run by tests/test_permissions.py). Anonymous visitors are
sent to the sign-in page; the wrong role on an app page is sent to its own home, not refused."""

from __future__ import annotations

from tests.support.matrix import Case

CASES = [
    Case("GET", "/", (302, 200, 200, 302, 302)),
    Case("GET", "/engineer", (302, 302, 302, 302, 200)),
    Case("GET", "/jobs/{job}", (302, 302, 302, 302, 200), route="/jobs/{job_id}"),
    Case("GET", "/rep", (302, 302, 302, 200, 302)),
    Case("GET", "/visits/{own_visit}", (302, 302, 302, 200, 302), route="/visits/{visit_id}"),
    Case("GET", "/rep/accounts", (302, 302, 302, 200, 302)),
    Case("GET", "/rep/route", (302, 302, 302, 200, 302)),
    Case("GET", "/manifest.webmanifest", (200,) * 5),
    Case("GET", "/login", (200,) * 5),
    Case("GET", "/sw.js", (200,) * 5),
    # The static files' mounts (backend/assets.py): everyone, signed in or not.
    Case("GET", "/static/css/app.css", (200,) * 5, route="/static"),
    Case("GET", "/vendor/leaflet/leaflet.js", (200,) * 5, route="/vendor"),
    Case("GET", "/vendor/swagger-ui/swagger-ui.css", (200,) * 5, route="/vendor"),
    Case("GET", "/vendor/signature_pad/signature_pad.umd.min.js", (200,) * 5, route="/vendor"),
    Case("GET", "/favicon.ico", (200,) * 5),
    Case(
        "GET",
        "/devices/labels?ids={own_device}",
        (302, 200, 200, 403, 403),
        route="/devices/labels",
    ),
    # The customer's pages: the QR token is the only key, whoever holds it.
    Case("GET", "/q/{own_token}", (200,) * 5, route="/q/{token}"),
    Case(
        "GET", "/q/{own_token}/requests/{job}", (200,) * 5, route="/q/{token}/requests/{request_id}"
    ),
    Case(
        "GET",
        "/q/{own_token}/requests/{foreign_job}",
        (404,) * 5,
        route="/q/{token}/requests/{request_id}",
    ),
    # Supervisor boards: supervisors and admins only.
    Case("GET", "/boards/dispatch", (302, 200, 200, 403, 403)),
    Case("GET", "/boards/satisfaction", (302, 200, 200, 403, 403)),
    Case("GET", "/boards/sales", (302, 200, 200, 403, 403)),
    # The back office (backend/access.PAGE_ROLES): signed-out → sign in; other roles → 403 page.
    Case("GET", "/accounts", (302, 200, 200, 403, 403)),
    Case("GET", "/accounts/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/accounts/{foreign_account}",
        (302, 200, 200, 403, 403),
        route="/accounts/{account_id}",
    ),
    Case("GET", "/devices", (302, 200, 200, 403, 403)),
    Case("GET", "/devices/new", (302, 200, 200, 403, 403)),
    Case(
        "GET", "/devices/{foreign_device}", (302, 200, 200, 403, 403), route="/devices/{device_id}"
    ),
    Case("GET", "/work-orders", (302, 200, 200, 403, 403)),
    Case("GET", "/work-orders/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/work-orders/{foreign_job}",
        (302, 200, 200, 403, 403),
        route="/work-orders/{work_order_id}",
    ),
]
