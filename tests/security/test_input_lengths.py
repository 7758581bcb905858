"""One source of truth for text lengths: every request schema's text field is no longer than the
column it is stored in, and keys derived by normalising (NFKC, casefold, lower) stay in theirs."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import asyncpg
import msgspec
import pytest

import backend
from backend.schemas import Input
from tests.support.factories import staff

for _module in pkgutil.walk_packages(backend.__path__, "backend."):
    importlib.import_module(_module.name)

# Each request body → the table it is stored in, and its fields whose column is named otherwise
# (None: the field is not stored as text, e.g. a password kept as a hash, an image as bytes).
# The columns are read from the database the migrations built: the one source of truth.
STORES: dict[str, tuple[str, dict[str, str | None]]] = {
    "workorders.WorkOrderIn": ("work_order", {}),
    "workorders.PublicRequestIn": (
        "work_order",
        {"name": "reporter_name", "phone": "reporter_phone"},
    ),
    "workorders.PartUsedIn": ("part_usage", {}),
    "workorders.CompleteIn": ("work_order", {}),
    "workorders.SignatureIn": ("work_order", {"name": "signer_name", "image": None}),
    "workorders.PauseIn": ("work_order_pause", {}),
    "workorders.DeclineIn": ("work_order_event", {}),
    # An engineer's sales flag becomes a service lead's notes (cut to the column there).
    "workorders.SalesFlagIn": ("lead", {"note": "notes"}),
    "workorders.RatingIn": ("rating", {}),
    "workorders.DutyIn": ("app_user", {"status": "duty_status"}),
    "workorders.CancelIn": ("work_order_event", {"reason": "note"}),
    "catalogue.ProductIn": ("product", {}),
    "catalogue.PartIn": ("part", {}),
    "catalogue.ProductPatch": ("product", {}),
    "catalogue.PartPatch": ("part", {}),
    "customers.AccountIn": ("account", {}),
    "customers.AccountPatch": ("account", {}),
    "customers.ContactIn": ("contact", {}),
    "customers.DeviceIn": ("device", {}),
    "field.CheckOutIn": ("visit", {}),
    "push.SubscriptionKeys": ("push_subscription", {}),
    "push.SubscriptionIn": ("push_subscription", {}),
    "push.UnsubscribeIn": ("push_subscription", {}),
    "staff.LoginIn": ("login_failure", {"password": None}),
    "staff.UserIn": ("app_user", {"password": None}),
    "staff.UserPatch": ("app_user", {"password": None}),
    "staff.ZoneIn": ("zone", {}),
    "maintenance.ServiceContractIn": ("service_contract", {}),
    "maintenance.ReasonIn": ("service_contract", {"reason": "status_reason"}),
    "activity.FollowUpIn": ("follow_up", {}),
    "activity.TaskIn": ("task", {}),
    "sales.LeadIn": ("lead", {}),
    "sales.LeadPatch": ("lead", {}),
    "sales.OpportunityStart": ("opportunity", {}),
    "sales.OpportunityIn": ("opportunity", {}),
    "sales.OpportunityPatch": ("opportunity", {}),
    "sales.ReleaseIn": ("pool_move", {}),
    "sales.StageIn": ("stage", {}),
    "sales.ContractIn": ("contract", {}),
    "sales.ReasonIn": ("contract_event", {}),
    "sales.PaymentIn": ("payment", {}),
    "integrations.WebhookIn": ("webhook", {}),
    "integrations.WebhookPatch": ("webhook", {}),
}
# Tables that request bodies write text into: each must be reached from STORES.
WRITTEN = {
    "account",
    "contact",
    "device",
    "product",
    "part",
    "app_user",
    "zone",
    "work_order",
    "visit",
    "lead",
    "task",
    "opportunity",
    "contract",
}


def _key(cls: type) -> str:
    """backend.sales.schemas.ReasonIn → sales.ReasonIn (two domains have a ReasonIn)."""
    return f"{cls.__module__.split('.')[1]}.{cls.__name__}"


def _inputs() -> list[type[Input]]:
    found, todo = [], list(Input.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _texts(t: Any) -> list[msgspec.inspect.StrType]:
    """The string types a field's type holds (str, str | None, list[str], …)."""
    if isinstance(t, msgspec.inspect.StrType):
        return [t]
    if isinstance(t, msgspec.inspect.UnionType):
        return [s for member in t.types for s in _texts(member)]
    if isinstance(t, msgspec.inspect.ListType | msgspec.inspect.SetType):
        return _texts(t.item_type)
    return []


def _bounded_by_choice(s: msgspec.inspect.StrType) -> bool:
    """^(a|b)$: a choice among words, shorter than any column it goes to."""
    return bool(s.pattern and s.pattern.startswith("^(") and s.pattern.endswith(")$"))


def _text_fields(cls: type[Input]) -> list[tuple[str, msgspec.inspect.StrType]]:
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    return [(f.name, s) for f in info.fields for s in _texts(f.type)]


INPUTS = [cls for cls in _inputs() if _text_fields(cls)]


def test_every_body_with_text_says_where_it_is_stored():
    missing = [_key(c) for c in INPUTS if _key(c) not in STORES]
    assert not missing, f"add these to STORES (table and renamed fields): {missing}"


@pytest.fixture(scope="module")
async def columns(database_url: str) -> dict[tuple[str, str], str]:
    """(table, column) → its type as PostgreSQL writes it: character varying(120), text, …"""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
                 AND NOT a.attisdropped"""
        )
    finally:
        await conn.close()
    return {(r["relname"], r["attname"]): r["type"] for r in rows}


_VARCHAR = re.compile(r"^character varying\((\d+)\)(\[\])?$")


@pytest.mark.parametrize("cls", INPUTS, ids=_key)
async def test_schema_text_fits_its_column(cls, columns):
    table, renamed = STORES[_key(cls)]
    for name, text in _text_fields(cls):
        column = renamed.get(name, name)
        if column is None:
            continue
        kind = columns.get((table, column))
        assert kind is not None, f"{_key(cls)}.{name}: no column {table}.{column}"
        assert text.max_length is not None or _bounded_by_choice(text), (
            f"{_key(cls)}.{name}: no max_length ({table}.{column} is {kind})"
        )
        varchar = _VARCHAR.match(kind)
        if varchar and text.max_length is not None:
            assert text.max_length <= int(varchar.group(1)), (
                f"{_key(cls)}.{name} takes {text.max_length} characters, {table}.{column} is {kind}"
            )
        else:
            assert varchar or kind.startswith("text"), f"{table}.{column} is {kind}"


def test_every_table_with_text_columns_is_checked():
    """A table that request bodies write text into is reached from STORES."""
    assert WRITTEN <= {table for table, _ in STORES.values()}


# --- through the API: what was a 500 is a 201 or a 400 naming the field ---------------------

LONGEST = [
    ("/api/contacts", "name", 120),
    ("/api/contacts", "title", 120),
    ("/api/products", "category", 80),
    ("/api/users", "name", 120),
    ("/api/zones", "name", 120),
]


async def _body(api, admin, path: str) -> dict[str, Any]:
    if path == "/api/contacts":
        acc = await api.post(
            "/api/accounts", json={"name": "Longhand Trading"}, headers=admin.headers
        )
        return {"account_id": acc.json()["id"], "name": "Li Wei"}
    if path == "/api/products":
        return {"sku": "P-LONG", "name": "Chiller"}
    if path == "/api/users":
        return {
            "name": "N",
            "email": "long@example.test",
            "password": "long-enough-1",
            "role": "rep",
        }
    return {"name": "Zone", "boundary": [[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]}


@pytest.mark.parametrize(("path", "field", "column"), LONGEST)
async def test_a_text_one_past_its_column_is_400(api, path, field, column):
    admin = await staff(api, "admin")
    body = {**await _body(api, admin, path), field: "x" * (column + 1)}
    response = await api.post(path, json=body, headers=admin.headers)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(("path", "field", "column"), LONGEST)
async def test_a_text_as_long_as_its_column_is_stored(api, path, field, column):
    admin = await staff(api, "admin")
    body = {**await _body(api, admin, path), field: "x" * column}
    response = await api.post(path, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("name", ["ß" * 200, "ﷺ" * 200, "ﬃ" * 200, "Ǆ" * 199 + "a"])
async def test_an_account_name_that_normalises_longer_is_stored(api, name):
    admin = await staff(api, "admin")
    response = await api.post("/api/accounts", json={"name": name}, headers=admin.headers)
    assert response.status_code == 201, response.text
    again = await api.post("/api/accounts", json={"name": name}, headers=admin.headers)
    assert again.status_code == 409, again.text  # the key still finds the duplicate


async def test_an_account_renamed_to_a_long_expanding_name(api):
    admin = await staff(api, "admin")
    created = await api.post("/api/accounts", json={"name": "Short"}, headers=admin.headers)
    response = await api.patch(
        f"/api/accounts/{created.json()['id']}", json={"name": "ß" * 200}, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def test_a_contact_email_that_lowercases_longer(api):
    admin = await staff(api, "admin")
    acc = await api.post("/api/accounts", json={"name": "Dotted I"}, headers=admin.headers)
    email = "İ" * 240 + "@example.cn"
    body = {"account_id": acc.json()["id"], "name": "Li", "email": email}
    response = await api.post("/api/contacts", json=body, headers=admin.headers)
    assert response.status_code in (201, 400), response.text


async def test_a_login_email_that_lowercases_longer_is_401(api):
    response = await api.post(
        "/api/auth/login", json={"email": "İ" * 240 + "@example.cn", "password": "whatever-1"}
    )
    assert response.status_code == 401, response.text


async def test_a_user_email_that_lowercases_longer_is_400(api):
    admin = await staff(api, "admin")
    body = {
        "name": "N",
        "email": "İ" * 240 + "@example.cn",
        "password": "long-enough-1",
        "role": "rep",
    }
    response = await api.post("/api/users", json=body, headers=admin.headers)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
