"""The demo data set: deterministic, plausible, and usable through the API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend import db
from backend.customers.dedupe import normalise_name
from backend.demo.load import DEMO_PASSWORD, DemoRefused, load_demo
from backend.demo.plan import build_plan
from tests.support.factories import login

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
SIZES = {"accounts": 60, "devices": 150, "engineers": 6, "reps": 3}


def test_same_seed_same_plan_and_another_seed_differs():
    first = build_plan(7, now=NOW, **SIZES)
    assert first == build_plan(7, now=NOW, **SIZES)
    assert first != build_plan(8, now=NOW, **SIZES)


def test_plan_is_plausible():
    plan = build_plan(7, now=NOW, accounts=500, devices=2000, engineers=40, reps=15)
    assert len(plan["accounts"]) == 500
    assert len(plan["devices"]) == 2000
    keys = [normalise_name(row[0]) for row in plan["accounts"]]
    assert len(set(keys)) == len(keys), "demo accounts must not be duplicates of each other"
    assert any("有限公司" in row[0] for row in plan["accounts"])
    assert any("Ltd" in row[0] or "Inc" in row[0] for row in plan["accounts"])


async def test_load_into_empty_database_then_refuse_a_second_load(api):
    summary = await load_demo(3, **SIZES)
    assert summary.counts["accounts"] == 60
    assert await db.fetchval("SELECT count(*) FROM device") == 150
    assert await db.fetchval("SELECT count(*) FROM app_user WHERE role = 'engineer'") == 6
    outside = await db.fetchval(
        "SELECT count(*) FROM account "
        "WHERE NOT (lat BETWEEN 30.7 AND 31.9 AND lng BETWEEN 120.8 AND 122.1)"
    )
    assert outside == 0, "every demo account lies in the Shanghai metro area"
    response = await login(api, "admin@fieldline.test", DEMO_PASSWORD)
    assert response.status_code == 200
    accounts = await api.get(
        "/api/accounts", headers={"Authorization": f"Bearer {response.json()['token']}"}
    )
    assert accounts.json()["total"] == 60
    with pytest.raises(DemoRefused):
        await load_demo(3, **SIZES)
