"""Per kind: the references a row names, the keys it is a duplicate by (the customers' and the
leads' own dedupe rules), what it matches in the database, and the columns it is written to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend import db
from backend.customers import qr
from backend.customers.dedupe import normalise_email, normalise_name, normalise_phone
from backend.customers.devices import warranty_end
from backend.integrations.imports import rows as sql
from backend.integrations.imports.kinds import Kind, Problem


@dataclass
class Row:
    line: int
    cells: list[Any]
    values: dict[str, Any]
    problems: list[Problem]
    match: int | None = None  # the database row it duplicates
    skip: Problem | None = None  # why it is skipped however on_duplicate reads
    flags: list[str] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        self.problems.append({"row": self.line, "field": name, "message": message})


def _owner(rows: list[Row], found: dict[str, int]) -> None:
    for r in rows:
        if "owner_email" in r.values:
            owner = found.get(normalise_email(r.values["owner_email"]) or "")
            if owner is None:
                r.problem("owner_email", "no active rep, supervisor or admin with this e-mail")
            r.values["owner"] = owner


def _account(rows: list[Row], found: dict[str, list[int]]) -> None:
    for r in rows:
        if "account_name" not in r.values:
            continue
        ids = found.get(normalise_name(r.values["account_name"]), [])
        if len(ids) > 1:
            r.problem("account_name", f"{len(ids)} accounts have this name; make it unique first")
        elif not ids:
            r.problem("account_name", "no account with this name")
        else:
            r.values["account"] = ids[0]


def _values(rows: list[Row], name: str) -> set[Any]:
    return {r.values[name] for r in rows if name in r.values}


def _first_match(row: Row, keyed: dict[tuple[str, Any], int], keys: list[tuple[str, Any]]) -> None:
    for name, key in keys:
        if (name, key) in keyed:
            row.match = keyed[(name, key)]
            return


class Plan:
    table: str
    insert_columns: list[sql.Column]
    update_columns: list[sql.Column]

    async def resolve(self, rows: list[Row]) -> None:
        """Looks up what the rows name (owners, accounts, products), adding problems; every row,
        the ones with problems already too (a dry run reports all of a row's problems)."""

    def keys(self, row: Row) -> list[tuple[str, Any]]:
        """(field, key) pairs: two rows sharing one are duplicates."""
        raise NotImplementedError

    async def matches(self, rows: list[Row]) -> None:
        """Sets each row's match (or skip) against the database."""
        raise NotImplementedError

    def record(self, row: Row, now: datetime, actor: int) -> dict[str, Any]:
        """The columns of a new row."""
        raise NotImplementedError


class Accounts(Plan):
    table = "account"
    update_columns = [
        ("phone", "text"),
        ("phone_key", "text"),
        ("grade", "text"),
        ("vip", "bool"),
        ("address", "text"),
        ("lat", "float8"),
        ("lng", "float8"),
        ("source", "text"),
        ("industry", "text"),
        ("district", "text"),
    ]
    insert_columns = [
        ("name", "text"),
        ("name_key", "text"),
        *update_columns,
        ("owner", "int"),
        ("claimed_at", "timestamptz"),
        ("pooled_at", "timestamptz"),
        ("created_at", "timestamptz"),
    ]

    async def resolve(self, rows: list[Row]) -> None:
        _owner(
            rows,
            await sql.owners({r.values["owner_email"] for r in rows if "owner_email" in r.values}),
        )
        for r in rows:
            r.values["name_key"] = normalise_name(r.values.get("name", ""))
            if "name" in r.values and not r.values["name_key"]:
                r.problem("name", "must contain letters or digits")
            r.values["phone_key"] = normalise_phone(r.values.get("phone"))
            if r.values.get("lat") is None:
                r.flags.append("no_position")  # kept; no geocoder is called

    def keys(self, row: Row) -> list[tuple[str, Any]]:
        keys = [("name", row.values["name_key"])]
        return keys + ([("phone", row.values["phone_key"])] if row.values["phone_key"] else [])

    async def matches(self, rows: list[Row]) -> None:
        found = await db.fetch(
            # Two index lookups: an OR of the two would scan the table once per batch.
            """SELECT id, name_key, phone_key FROM account WHERE name_key = ANY($1::text[])
               UNION
               SELECT id, name_key, phone_key FROM account WHERE phone_key = ANY($2::text[])
               ORDER BY id""",
            [r.values["name_key"] for r in rows],
            [r.values["phone_key"] for r in rows if r.values["phone_key"]],
        )
        keyed: dict[tuple[str, Any], int] = {}
        for f in reversed(found):  # the oldest account wins a key
            keyed[("name", f["name_key"])] = f["id"]
            if f["phone_key"]:
                keyed[("phone", f["phone_key"])] = f["id"]
        for r in rows:
            _first_match(r, keyed, self.keys(r))

    def record(self, row: Row, now: datetime, actor: int) -> dict[str, Any]:
        owner = row.values.get("owner")
        return {
            **row.values,
            "name": row.values["name"],
            "grade": row.values.get("grade", "C"),
            "vip": row.values.get("vip", False),
            "source": row.values.get("source", "import"),
            "claimed_at": now if owner else None,
            "pooled_at": None if owner else now,
            "created_at": now,
        }


class Contacts(Plan):
    table = "contact"
    update_columns = [
        ("title", "text"),
        ("phone", "text"),
        ("email", "text"),
        ("decision_maker", "bool"),
        ("phone_key", "text"),
        ("email_key", "text"),
    ]
    insert_columns = [("account", "int"), ("name", "text"), *update_columns]

    async def resolve(self, rows: list[Row]) -> None:
        _account(rows, await sql.accounts_by_name(_values(rows, "account_name")))
        for r in rows:
            r.values["phone_key"] = normalise_phone(r.values.get("phone"))
            r.values["email_key"] = normalise_email(r.values.get("email"))

    def keys(self, row: Row) -> list[tuple[str, Any]]:
        account, v = row.values.get("account"), row.values
        keys = [(n, (account, v[f"{n}_key"])) for n in ("phone", "email") if v[f"{n}_key"]]
        return keys or [("name", (account, v["name"].casefold()))]

    async def matches(self, rows: list[Row]) -> None:
        found = await db.fetch(
            "SELECT id, account, phone_key, email_key, name FROM contact "
            "WHERE account = ANY($1::int[]) ORDER BY id DESC",
            sorted({r.values["account"] for r in rows}),
        )
        keyed: dict[tuple[str, Any], int] = {}
        for f in found:
            keyed[("name", (f["account"], f["name"].casefold()))] = f["id"]
            for n in ("phone", "email"):
                if f[f"{n}_key"]:
                    keyed[(n, (f["account"], f[f"{n}_key"]))] = f["id"]
        for r in rows:
            _first_match(r, keyed, self.keys(r))

    def record(self, row: Row, now: datetime, actor: int) -> dict[str, Any]:
        return {**row.values, "decision_maker": row.values.get("decision_maker", False)}


class Leads(Plan):
    table = "lead"
    update_columns = [
        ("company", "text"),
        ("company_key", "text"),
        ("phone", "text"),
        ("phone_key", "text"),
        ("email", "text"),
        ("email_key", "text"),
        ("notes", "text"),
        ("industry", "text"),
        ("district", "text"),
        ("lat", "float8"),
        ("lng", "float8"),
    ]
    insert_columns = [
        ("name", "text"),
        *update_columns,
        ("source", "text"),
        ("owner", "int"),
        ("claimed_at", "timestamptz"),
        ("pooled_at", "timestamptz"),
        ("created_by", "int"),
        ("created_at", "timestamptz"),
        ("updated_at", "timestamptz"),
    ]

    async def resolve(self, rows: list[Row]) -> None:
        _owner(
            rows,
            await sql.owners({r.values["owner_email"] for r in rows if "owner_email" in r.values}),
        )
        for r in rows:
            company = r.values.get("company")
            r.values["company_key"] = (normalise_name(company) or None) if company else None
            r.values["phone_key"] = normalise_phone(r.values.get("phone"))
            r.values["email_key"] = normalise_email(r.values.get("email"))

    def keys(self, row: Row) -> list[tuple[str, Any]]:
        return [
            (n, row.values[f"{n}_key"])
            for n in ("phone", "email", "company")
            if row.values[f"{n}_key"]
        ]

    async def matches(self, rows: list[Row]) -> None:
        """As the leads' duplicate check (sales/duplicates.py): open or disqualified leads, then
        accounts and contacts, by phone, e-mail or company. Only a lead can be updated."""
        keys = {
            n: [r.values[f"{n}_key"] for r in rows if r.values[f"{n}_key"]]
            for n in ("phone", "email", "company")
        }
        found = await db.fetch(
            """SELECT 'lead' AS type, id, phone_key, email_key, company_key FROM lead
               WHERE status <> 'converted' AND (phone_key = ANY($1::text[])
                     OR email_key = ANY($2::text[]) OR company_key = ANY($3::text[]))
               UNION ALL
               SELECT 'account', id, phone_key, NULL, name_key FROM account
               WHERE phone_key = ANY($1::text[]) OR name_key = ANY($3::text[])
               UNION ALL
               SELECT 'contact', id, phone_key, email_key, NULL FROM contact
               WHERE phone_key = ANY($1::text[]) OR email_key = ANY($2::text[])
               ORDER BY 1 DESC, 2 DESC""",
            keys["phone"],
            keys["email"],
            keys["company"],
        )
        keyed: dict[tuple[str, Any], tuple[str, int]] = {}
        for f in found:  # leads last, so a lead wins over an account or contact
            for n in ("phone", "email", "company"):
                if f[f"{n}_key"]:
                    keyed[(n, f[f"{n}_key"])] = (f["type"], f["id"])
        for r in rows:
            for n, key in self.keys(r):
                if (n, key) in keyed:
                    kind, found_id = keyed[(n, key)]
                    if kind == "lead":
                        r.match = found_id
                    else:
                        r.skip = {
                            "row": r.line,
                            "field": n,
                            "message": f"matches {kind} {found_id}",
                        }
                    break

    def record(self, row: Row, now: datetime, actor: int) -> dict[str, Any]:
        owner = row.values.get("owner")
        return {
            **row.values,
            "source": "other",
            "claimed_at": now if owner else None,
            "pooled_at": None if owner else now,
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }


class Devices(Plan):
    table = "device"
    update_columns = [
        ("account", "int"),
        ("installed_on", "date"),
        ("warranty_until", "date"),
        ("lat", "float8"),
        ("lng", "float8"),
    ]
    insert_columns = [
        ("product", "int"),
        ("serial", "text"),
        *update_columns,
        ("qr_token", "text"),
        ("created_at", "timestamptz"),
    ]

    async def resolve(self, rows: list[Row]) -> None:
        _account(rows, await sql.accounts_by_name(_values(rows, "account_name")))
        products = await sql.products_by_sku(_values(rows, "product_sku"))
        for r in rows:
            if "product_sku" not in r.values:
                continue
            product = products.get(r.values["product_sku"])
            if product is None:
                r.problem("product_sku", "no product with this SKU")
                continue
            r.values["product"], months = product
            r.values["warranty_until"] = warranty_end(r.values.get("installed_on"), months)

    def keys(self, row: Row) -> list[tuple[str, Any]]:
        return [("serial", (row.values.get("product"), row.values["serial"]))]

    async def matches(self, rows: list[Row]) -> None:
        found = await db.fetch(
            """SELECT d.id, d.product, d.serial FROM device d
               JOIN unnest($1::int[], $2::text[]) AS k(product, serial)
                 ON d.product = k.product AND d.serial = k.serial""",
            [r.values["product"] for r in rows],
            [r.values["serial"] for r in rows],
        )
        keyed = {("serial", (f["product"], f["serial"])): f["id"] for f in found}
        for r in rows:
            _first_match(r, keyed, self.keys(r))

    def record(self, row: Row, now: datetime, actor: int) -> dict[str, Any]:
        return {**row.values, "qr_token": qr.new_token(), "created_at": now}


PLANS: dict[Kind, Plan] = {
    Kind.ACCOUNTS: Accounts(),
    Kind.CONTACTS: Contacts(),
    Kind.LEADS: Leads(),
    Kind.DEVICES: Devices(),
}
