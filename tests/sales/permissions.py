"""Permission rows of sales: leads, the pool, stages, opportunities, contracts (run by
tests/test_permissions.py). Own is the rep's, foreign the other rep's, pool nobody's."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import create
from tests.support.matrix import Case, World

EVERY_SELLER = (401, 200, 200, 200, 403)
MANAGERS_ONLY = (401, 200, 200, 403, 403)
ADMIN_ONLY = (401, 200, 403, 403, 403)
# A rep reading or changing a colleague's: it does not exist for him.
NOT_HIS = (401, 200, 200, 404, 403)

POOL_RULES = {
    "recycle_days": {"A": 30, "B": 15, "C": 7},
    "lead_recycle_days": 7,
    "warn_days": 3,
    "daily_claim_cap": 20,
    "owned_cap": 200,
    "owned_lead_cap": 200,
    "former_owner_cooldown_days": 30,
    "exempt": {"won": True, "open_opportunity": True, "active_contract": True, "open_job": True},
}
STAGES = [
    {"name": "Talk", "probability": 20, "kind": "open"},
    {"name": "Won", "probability": 100, "kind": "won"},
    {"name": "Lost", "probability": 0, "kind": "lost"},
]
DEAL = {"name": "Matrix deal", "amount": "1000", "expected_close": "2027-01-31"}


async def world(api: AsyncClient, world: World) -> None:
    people = world.people
    admin, rep, other = people["admin"], people["rep"], people["other_rep"]
    own = await create(api, rep, "/api/leads", {"name": "Own", "company": "Own Lead Co"})
    foreign = await create(api, other, "/api/leads", {"name": "Foreign", "company": "Far Co"})
    pooled = await create(
        api, admin, "/api/leads", {"name": "Pooled", "company": "Pool Lead Co", "owner_id": None}
    )
    own_deal = await create(
        api, rep, "/api/opportunities", {**DEAL, "account_id": world.ids["own_account"]}
    )
    foreign_deal = await create(
        api, other, "/api/opportunities", {**DEAL, "account_id": world.ids["foreign_account"]}
    )
    contract = {
        "title": "Matrix contract",
        "starts_on": "2026-12-01",
        "ends_on": "2027-11-30",
        "amount": "1000",
        "payment_plan": [{"due_on": "2027-01-31", "amount": "1000"}],
    }
    on_own = {**contract, "account_id": world.ids["own_account"]}
    own_contract = await create(api, rep, "/api/contracts", {**on_own, "number": "M-1"})
    foreign_contract = await create(
        api,
        other,
        "/api/contracts",
        {**contract, "number": "M-2", "account_id": world.ids["foreign_account"]},
    )
    big = {"amount": "200000", "payment_plan": [{"due_on": "2027-01-31", "amount": "200000"}]}
    pending = await create(api, rep, "/api/contracts", {**on_own, **big, "number": "M-3"})
    active = await create(api, rep, "/api/contracts", {**on_own, "number": "M-4"})
    for made in (pending, active):
        answer = await api.post(f"/api/contracts/{made['id']}/submit", headers=rep.headers)
        assert answer.status_code == 200, answer.text
    world.ids.update(
        own_contract=own_contract["id"],
        foreign_contract=foreign_contract["id"],
        pending_contract=pending["id"],
        active_contract=active["id"],
        own_lead=own["id"],
        foreign_lead=foreign["id"],
        pool_lead=pooled["id"],
        own_opportunity=own_deal["id"],
        foreign_opportunity=foreign_deal["id"],
    )


def _rows(method: str, route: str, by_object: dict[str, tuple[int, ...]], body=None) -> list[Case]:
    """One row per object (own/foreign/pool) of a route with a {…_id} in it."""
    placeholder = route[route.index("{") + 1 : route.index("}")]
    kind = placeholder.removesuffix("_id")
    return [
        Case(
            method,
            route.replace(f"{{{placeholder}}}", f"{{{which}_{kind}}}"),
            expected,
            body,
            route=route,
        )
        for which, expected in by_object.items()
    ]


LEAD = "/api/leads/{lead_id}"
ACCOUNT = "/api/accounts/{account_id}"
OPPORTUNITY = "/api/opportunities/{opportunity_id}"
CONTRACT = "/api/contracts/{contract_id}"
NEW_CONTRACT = {
    "number": "M-NEW",
    "title": "New",
    "amount": "500",
    "starts_on": "2026-12-01",
    "ends_on": "2027-06-30",
    "payment_plan": [{"due_on": "2027-01-31", "amount": "500"}],
}
PAYMENT = {"amount": "100", "received_on": "2026-12-04", "method": "bank_transfer"}

CASES = [
    Case("POST", "/api/leads", (401, 201, 201, 201, 403), {"name": "Matrix Lead"}),
    Case("GET", "/api/leads", EVERY_SELLER),
    *_rows("GET", LEAD, {"own": EVERY_SELLER, "foreign": NOT_HIS, "pool": EVERY_SELLER}),
    *_rows(
        "PATCH",
        LEAD,
        {"own": EVERY_SELLER, "foreign": NOT_HIS, "pool": (401, 200, 200, 403, 403)},
        {"notes": "called"},
    ),
    *_rows(
        "POST",
        LEAD + "/claim",
        {
            "own": (401, 409, 409, 409, 403),
            "foreign": (401, 409, 409, 404, 403),
            "pool": EVERY_SELLER,
        },
    ),
    *_rows(
        "POST",
        LEAD + "/release",
        {"own": EVERY_SELLER, "foreign": NOT_HIS, "pool": (401, 409, 409, 409, 403)},
        {"reason": "no answer"},
    ),
    *_rows(
        "POST",
        LEAD + "/assign",
        {"own": MANAGERS_ONLY, "pool": MANAGERS_ONLY},
        {"owner_id": "{other_rep}"},
    ),
    *_rows(
        "POST",
        LEAD + "/convert",
        {"own": EVERY_SELLER, "foreign": NOT_HIS, "pool": (401, 409, 409, 403, 403)},
        {},
    ),
    *_rows("GET", LEAD + "/pool-moves", {"own": EVERY_SELLER, "foreign": NOT_HIS}),
    *_rows(
        "POST",
        ACCOUNT + "/claim",
        {
            "own": (401, 409, 409, 409, 403),
            "foreign": (401, 409, 409, 404, 403),
            "pool": EVERY_SELLER,
        },
    ),
    *_rows(
        "POST",
        ACCOUNT + "/release",
        {"own": EVERY_SELLER, "foreign": NOT_HIS, "pool": (401, 409, 409, 409, 403)},
        {"reason": "moved away"},
    ),
    *_rows("GET", ACCOUNT + "/pool-moves", {"own": EVERY_SELLER, "foreign": NOT_HIS}),
    Case("GET", "/api/pool", EVERY_SELLER),
    Case("GET", "/api/pool?kind=lead", EVERY_SELLER, route="/api/pool"),
    Case("GET", "/api/settings/pool", EVERY_SELLER),
    Case("PUT", "/api/settings/pool", ADMIN_ONLY, POOL_RULES),
    Case("GET", "/api/stages", EVERY_SELLER),
    Case("PUT", "/api/stages", ADMIN_ONLY, STAGES),
    Case(
        "POST",
        "/api/opportunities",
        (401, 201, 201, 201, 403),
        {**DEAL, "account_id": "{own_account}"},
    ),
    Case(
        "POST",
        "/api/opportunities",
        (401, 201, 201, 404, 403),
        {**DEAL, "account_id": "{foreign_account}"},
    ),
    Case(
        "POST",
        "/api/opportunities",
        (401, 201, 201, 403, 403),
        {**DEAL, "account_id": "{pool_account}"},
    ),
    Case("GET", "/api/opportunities", EVERY_SELLER),
    *_rows("GET", OPPORTUNITY, {"own": EVERY_SELLER, "foreign": NOT_HIS}),
    *_rows("PATCH", OPPORTUNITY, {"own": EVERY_SELLER, "foreign": NOT_HIS}, {"next_step": "demo"}),
    Case(
        "POST",
        "/api/contracts",
        (401, 201, 201, 201, 403),
        {**NEW_CONTRACT, "account_id": "{own_account}"},
    ),
    Case(
        "POST",
        "/api/contracts",
        (401, 201, 201, 404, 403),
        {**NEW_CONTRACT, "account_id": "{foreign_account}"},
    ),
    Case("GET", "/api/contracts", EVERY_SELLER),
    *_rows("GET", CONTRACT, {"own": EVERY_SELLER, "foreign": NOT_HIS}),
    *_rows("POST", CONTRACT + "/submit", {"own": EVERY_SELLER, "foreign": NOT_HIS}),
    *_rows("POST", CONTRACT + "/approve", {"pending": MANAGERS_ONLY}, {}),
    *_rows("POST", CONTRACT + "/reject", {"pending": MANAGERS_ONLY}, {"reason": "too cheap"}),
    *_rows("POST", CONTRACT + "/complete", {"active": (401, 409, 409, 409, 403)}),
    *_rows(
        "POST",
        CONTRACT + "/void",
        {"own": EVERY_SELLER, "foreign": NOT_HIS, "active": MANAGERS_ONLY},
        {"reason": "duplicate"},
    ),
    *_rows(
        "POST",
        CONTRACT + "/payments",
        {"active": (401, 201, 201, 201, 403), "foreign": (401, 409, 409, 404, 403)},
        PAYMENT,
    ),
    Case("GET", "/rep/leads", (302, 302, 302, 200, 302)),
    Case("GET", "/rep/pool", (302, 302, 302, 200, 302)),
    Case("GET", "/rep/pipeline", (302, 302, 302, 200, 302)),
    Case("GET", "/api/boards/sales/pipeline", MANAGERS_ONLY),
    Case(
        "GET",
        "/rep/accounts/{own_account}",
        (302, 302, 302, 200, 302),
        route="/rep/accounts/{account_id}",
    ),
]
