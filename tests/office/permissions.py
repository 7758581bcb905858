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
# Leads and the pool, the pipeline (officesales): managers open every lead and opportunity; reps
# (who work in the phone app) and engineers get the error page, whoever owns the record.
CASES += [
    Case("GET", "/leads", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/leads?status=working&pool=false&sort=-created_at",
        (302, 200, 200, 403, 403),
        route="/leads",
    ),
    Case("GET", "/leads/pool", (302, 200, 200, 403, 403)),
    Case("GET", "/leads/pool?kind=account", (302, 200, 200, 403, 403), route="/leads/pool"),
    Case("GET", "/leads/new", (302, 200, 200, 403, 403)),
    *[
        Case("GET", f"/leads/{{{which}_lead}}", (302, 200, 200, 403, 403), route="/leads/{lead_id}")
        for which in ("own", "foreign", "pool")
    ],
    Case("GET", "/pipeline", (302, 200, 200, 403, 403)),
    Case("GET", "/pipeline?month=2027-01", (302, 200, 200, 403, 403), route="/pipeline"),
    Case("GET", "/pipeline/list", (302, 200, 200, 403, 403)),
    *[
        Case(
            "GET", f"{path}/export?format={fmt}", (302, 200, 200, 403, 403), route=f"{path}/export"
        )
        for path in ("/leads", "/pipeline/list", "/leads/pool")
        for fmt in ("csv", "xlsx")
    ],
    *[
        Case(
            "GET",
            f"/pipeline/{{{which}_opportunity}}",
            (302, 200, 200, 403, 403),
            route="/pipeline/{opportunity_id}",
        )
        for which in ("own", "foreign")
    ],
]
# Sales and service contracts (backend/pages/office_contracts.py, office_service_contracts.py):
# supervisors and admins read every contract there, whoever owns it.
CASES += [
    Case("GET", "/contracts", (302, 200, 200, 403, 403)),
    Case("GET", "/contracts/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/contracts/new?opportunity_id={foreign_opportunity}",
        (302, 200, 200, 403, 403),
        route="/contracts/new",
    ),
    Case(
        "GET",
        "/contracts/{foreign_contract}",
        (302, 200, 200, 403, 403),
        route="/contracts/{contract_id}",
    ),
    Case(
        "GET",
        "/contracts/{pending_contract}",
        (302, 200, 200, 403, 403),
        route="/contracts/{contract_id}",
    ),
    Case("GET", "/service-contracts", (302, 200, 200, 403, 403)),
    Case("GET", "/service-contracts/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/service-contracts/{contract}",
        (302, 200, 200, 403, 403),
        route="/service-contracts/{contract_id}",
    ),
]
# Their lists as files (backend/pages/export.py), the same roles as the pages.
CASES += [
    Case(
        "GET",
        f"{path}/export?format={fmt}",
        (302, 200, 200, 403, 403),
        route=f"{path}/export",
    )
    for path in ("/contracts", "/service-contracts")
    for fmt in ("csv", "xlsx")
]

# The admin's settings and integrations: admins only (access.PAGE_ROLES).
ADMIN_PAGE = (302, 200, 403, 403, 403)
CASES += [
    Case("GET", "/settings", ADMIN_PAGE),
    Case("GET", "/imports", ADMIN_PAGE),
    Case("GET", "/webhooks", ADMIN_PAGE),
    Case("GET", "/webhooks/{webhook}", ADMIN_PAGE, route="/webhooks/{webhook_id}"),
    *[
        Case("GET", f"/imports/export?format={fmt}", ADMIN_PAGE, route="/imports/export")
        for fmt in ("csv", "xlsx")
    ],
    *[
        Case(
            "GET",
            f"/webhooks/{{webhook}}/export?format={fmt}",
            ADMIN_PAGE,
            route="/webhooks/{webhook_id}/export",
        )
        for fmt in ("csv", "xlsx")
    ],
]
