"""Permission rows of the supervisor boards' API: supervisors and admins only (run by
tests/test_permissions.py). The stream is 503 there because the matrix's client skips the app's
lifespan, where the live channels start (tests/boards/test_live.py)."""

from __future__ import annotations

from tests.support.matrix import Case

CASES = [
    Case("GET", "/api/boards/dispatch", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/dispatch/engineers/{engineer}",
        (401, 200, 200, 403, 403),
        route="/api/boards/dispatch/engineers/{engineer_id}",
    ),
    Case(
        "GET",
        "/api/boards/dispatch/jobs/{job}",
        (401, 200, 200, 403, 403),
        route="/api/boards/dispatch/jobs/{work_order_id}",
    ),
    Case("GET", "/api/boards/satisfaction", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/satisfaction/csv?table=engineers",
        (401, 200, 200, 403, 403),
        route="/api/boards/satisfaction/csv",
    ),
    Case("GET", "/api/boards/sales", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/sales/csv?table=uncontacted",
        (401, 200, 200, 403, 403),
        route="/api/boards/sales/csv",
    ),
    *(
        Case(
            "GET",
            f"/api/boards/sales/pipeline/{fmt}?table=funnel",
            (401, 200, 200, 403, 403),
            route=f"/api/boards/sales/pipeline/{fmt}",
        )
        for fmt in ("csv", "xlsx")
    ),
    Case("GET", "/api/boards/stream", (401, 503, 503, 403, 403)),
]
