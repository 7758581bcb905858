"""Permission rows of the back office's exports (run by tests/test_permissions.py): a list's
file is for whoever may open the list (access.PAGE_ROLES); signed out → the sign-in page;
other roles → a 403 page. The boards' XLSX tables are for supervisors and admins, like their CSV."""

from __future__ import annotations

from tests.support.matrix import Case

LISTS = (
    "/accounts",
    "/devices",
    "/work-orders",
    "/users",
    "/catalogue",
    "/catalogue/parts",
)
CASES = [
    Case("GET", f"{path}/export?format={fmt}", (302, 200, 200, 403, 403), route=f"{path}/export")
    for path in LISTS
    for fmt in ("csv", "xlsx")
]
CASES += [
    Case("GET", f"{path}?table={table}", (401, 200, 200, 403, 403), route=path)
    for path, table in (
        ("/api/boards/satisfaction/xlsx", "engineers"),
        ("/api/boards/sales/xlsx", "uncontacted"),
        ("/api/boards/dispatch/csv", "jobs"),
        ("/api/boards/dispatch/xlsx", "engineers"),
    )
]
