"""One source of truth for text lengths: every request schema's text field is no longer than the
column it is stored in, and keys derived by normalising (NFKC, casefold, lower) stay in theirs."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import msgspec
import pytest
from piccolo.columns import Array, Text, Varchar
from piccolo.table import Table

import backend
from backend.activity.tables import FollowUp, Task
from backend.catalogue.tables import Part, Product
from backend.customers.tables import Account, Contact, Device
from backend.field.tables import Visit
from backend.integrations.tables import Webhook
from backend.maintenance.tables import ServiceContract
from backend.push.tables import PushSubscription
from backend.sales.tables import (
    Contract,
    ContractEvent,
    Lead,
    Opportunity,
    Payment,
    PoolMove,
    Stage,
)
from backend.schemas import Input
from backend.staff.tables import LoginFailure, User, Zone
from backend.workorders.tables import PartUsage, Rating, WorkOrder, WorkOrderEvent
from tests.support.factories import staff

for _module in pkgutil.walk_packages(backend.__path__, "backend."):
    importlib.import_module(_module.name)

# Each request body → the table it is stored in, and its fields whose column is named otherwise
# (None: the field is not stored as text, e.g. a password kept as a hash).
STORES: dict[str, tuple[type[Table], dict[str, str | None]]] = {
    "workorders.WorkOrderIn": (WorkOrder, {}),
    "workorders.PublicRequestIn": (
        WorkOrder,
        {"name": "reporter_name", "phone": "reporter_phone"},
    ),
    "workorders.PartUsedIn": (PartUsage, {}),
    "workorders.CompleteIn": (WorkOrder, {}),
    "workorders.RatingIn": (Rating, {}),
    "workorders.DutyIn": (User, {"status": "duty_status"}),
    "workorders.CancelIn": (WorkOrderEvent, {"reason": "note"}),
    "catalogue.ProductIn": (Product, {}),
    "catalogue.PartIn": (Part, {}),
    "customers.AccountIn": (Account, {}),
    "customers.AccountPatch": (Account, {}),
    "customers.ContactIn": (Contact, {}),
    "customers.DeviceIn": (Device, {}),
    "field.CheckOutIn": (Visit, {}),
    "push.SubscriptionKeys": (PushSubscription, {}),
    "push.SubscriptionIn": (PushSubscription, {}),
    "push.UnsubscribeIn": (PushSubscription, {}),
    "staff.LoginIn": (LoginFailure, {"password": None}),
    "staff.UserIn": (User, {"password": None}),
    "staff.UserPatch": (User, {"password": None}),
    "staff.ZoneIn": (Zone, {}),
    "maintenance.ServiceContractIn": (ServiceContract, {}),
    "maintenance.ReasonIn": (ServiceContract, {"reason": "status_reason"}),
    "activity.FollowUpIn": (FollowUp, {}),
    "activity.TaskIn": (Task, {}),
    "sales.LeadIn": (Lead, {}),
    "sales.LeadPatch": (Lead, {}),
    "sales.OpportunityStart": (Opportunity, {}),
    "sales.OpportunityIn": (Opportunity, {}),
    "sales.OpportunityPatch": (Opportunity, {}),
    "sales.ReleaseIn": (PoolMove, {}),
    "sales.StageIn": (Stage, {}),
    "sales.ContractIn": (Contract, {}),
    "sales.ReasonIn": (ContractEvent, {}),
    "sales.PaymentIn": (Payment, {}),
    "integrations.WebhookIn": (Webhook, {}),
    "integrations.WebhookPatch": (Webhook, {}),
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


@pytest.mark.parametrize("cls", INPUTS, ids=_key)
def test_schema_text_fits_its_column(cls):
    table, renamed = STORES[_key(cls)]
    for name, text in _text_fields(cls):
        column_name = renamed.get(name, name)
        if column_name is None:
            continue
        column = table._meta.get_column_by_name(column_name)
        if isinstance(column, Array):
            column = column.base_column
        assert text.max_length is not None or _bounded_by_choice(text), (
            f"{cls.__name__}.{name}: no max_length ({table.__name__}.{column_name})"
        )
        if isinstance(column, Varchar) and text.max_length is not None:
            assert text.max_length <= column.length, (
                f"{cls.__name__}.{name} takes {text.max_length} characters, "
                f"{table.__name__}.{column_name} holds {column.length}"
            )
        else:
            assert isinstance(column, Varchar | Text), f"{table.__name__}.{column_name}"


def test_every_table_with_text_columns_is_checked():
    """A text column written from a request body is reached from STORES."""
    checked = {table for table, _ in STORES.values()}
    written = {Account, Contact, Device, Product, Part, User, Zone, WorkOrder, Visit, Lead, Task}
    assert written <= checked


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
