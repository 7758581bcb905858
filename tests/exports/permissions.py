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
