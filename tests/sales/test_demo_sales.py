"""The demo's sales rows (backend/demo/sales.py): every screen of the sales half has something
to show, and the rows keep the rules the API keeps (plans adding up, reasons where needed)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from backend.demo.plan import build_plan

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
PLAN = build_plan(7, now=NOW, accounts=500, devices=200, engineers=6, reps=15)


def test_leads_in_every_status_owned_and_pooled():
    leads = PLAN["leads"]
    assert {row[11] for row in leads} == {"new", "working", "converted", "disqualified"}
    assert any(row[13] is None for row in leads)
    for row in leads:
        if row[11] == "converted":
            assert row[19] is not None
            assert row[20] is not None
        if row[11] == "disqualified":
            assert row[12]


def test_about_300_opportunities_over_every_stage_with_history():
    deals = PLAN["opportunities"]
    assert len(deals) == 300
    assert {row[4] for row in deals} == set(range(len(PLAN["stages"])))
    lost = [row for row in deals if PLAN["stages"][row[4]][4] == "lost"]
    assert all(row[8] for row in lost)
    assert {c[0] for c in PLAN["stage_changes"]} == set(range(len(deals)))


def test_contracts_plans_add_up_and_some_lines_are_overdue():
    plans: dict[int, Decimal] = defaultdict(Decimal)
    overdue = 0
    for contract, _, due, amount, paid, _ in PLAN["payment_plan"]:
        plans[contract] += amount
        assert 0 <= paid <= amount
        overdue += due < NOW.date() and paid < amount
    for i, contract in enumerate(PLAN["contracts"]):
        assert plans[i] == contract[5]
    assert overdue > 0
    assert {c[9] for c in PLAN["contracts"]} >= {"active", "completed", "pending_approval"}
    numbers = [c[0] for c in PLAN["contracts"]]
    assert len(set(numbers)) == len(numbers)


def test_the_pool_has_history_with_reasons():
    kinds = {m[2] for m in PLAN["pool_moves"]}
    assert kinds == {"claimed", "released", "recycled"}
    for move in PLAN["pool_moves"]:
        if move[2] == "released":
            assert move[6]
        if move[2] == "recycled":
            assert move[7]
