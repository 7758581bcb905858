"""The sales migration's keys for contacts written before it match the app's normaliser."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from backend import db
from backend.customers.dedupe import normalise_email, normalise_phone

MIGRATION = Path(__file__).parents[2] / "migrations/fieldline_2026_12_05t02_00_00_000000.py"

PHONES = [
    "+86 139 0000 1234",
    "0086 13900001234",
    "8613900001234",
    "13900001234",
    "139-0000-1234",
    "+86 21 6123 4567",
    "021 6123 4567",
    "+86 (0)21 6123 4567",
    "+44 20 7946 0958",
    "862161234567",
    "  +86-10-8888-9999 ",
    "+86",
    "()",
]
EMAILS = ["Li.Wei@Example.COM", "  ops@harbour.cn ", "A@B.CO", " "]


def _contact_keys_sql() -> str:
    spec = importlib.util.spec_from_file_location("sales_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.CONTACT_KEYS)


@pytest.mark.usefixtures("api")  # an open pool on empty tables
async def test_contact_keys_backfilled_by_sql_equal_the_python_normaliser() -> None:
    account = await db.fetchval("INSERT INTO account (name) VALUES ('Old Co') RETURNING id")
    rows = [(p, None) for p in PHONES] + [(None, e) for e in EMAILS]
    await db.execute(
        """INSERT INTO contact (account, name, phone, email)
           SELECT $1, 'x', p, e FROM unnest($2::text[], $3::text[]) AS t(p, e)""",
        account,
        [p for p, _ in rows],
        [e for _, e in rows],
    )
    await db.execute(_contact_keys_sql())
    stored = await db.fetch("SELECT phone, email, phone_key, email_key FROM contact ORDER BY id")
    assert [(r["phone"], r["phone_key"]) for r in stored[: len(PHONES)]] == [
        (p, normalise_phone(p)) for p in PHONES
    ]
    assert [(r["email"], r["email_key"]) for r in stored[len(PHONES) :]] == [
        (e, normalise_email(e)) for e in EMAILS
    ]
