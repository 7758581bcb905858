"""The account's timeline (GET /api/accounts/{id}/timeline) on an account with ~5,000 items.

    .venv/bin/python -m bench.timeline [--runs 200]

A scratch database fieldline_bench_timeline, seeded in SQL: one account with about 5,000 items of
every kind (follow-ups, visits, work orders with their events, ratings, stage changes, contract
events, payments, pool moves, tasks done) among 200 other accounts holding 100,000 more, so each
branch's index has to find the account's rows among others'. Timed, in the same run and
alternating: the timeline's first page and a page deep in the history (50 items, the service
function with its access check and JSON decoding, as the API calls it), against the baseline the
issue names: the account's newest 50 work orders alone (one indexed SELECT). Prints p50/p90 of
each and the ratio timeline / baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from backend import db
from backend.access import Principal, Role
from backend.activity.timeline import account_timeline
from bench._scratch import scratch_database
from bench._timing import percentile

GOAL_MS = 50.0  # p50 of a page, issue #12
OTHERS = 200
SEED = """
INSERT INTO app_user (name, email, role, password_hash)
VALUES ('Admin', 'admin@bench.test', 'admin', 'x'), ('Rep', 'rep@bench.test', 'rep', 'x'),
       ('Engineer', 'eng@bench.test', 'engineer', 'x');
INSERT INTO product (sku, name) VALUES ('CH-1', 'Chiller');
INSERT INTO account (name, name_key, owner, created_at)
SELECT 'Account ' || n, 'account ' || n, 2, now() - interval '3 years'
FROM generate_series(1, 201) n;
INSERT INTO device (account, product, serial, qr_token)
SELECT a, 1, 'SN' || a, 'qr' || a FROM generate_series(1, 201) a;
-- Account 1 holds the ~5,000; the others 500 each.
CREATE TEMP TABLE share AS
SELECT a AS account, CASE WHEN a = 1 THEN 1 ELSE 0 END AS mine FROM generate_series(1, 201) a;
INSERT INTO work_order (device, account, product, source, description, status, created_at,
    updated_at)
SELECT s.account, s.account, 1, 'qr', 'No cooling', 'rated',
       now() - make_interval(mins => g * 97), now()
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 500 ELSE 100 END) g;
INSERT INTO work_order_event (work_order, at, kind, from_status, to_status, actor_kind)
SELECT w.id, w.created_at + make_interval(mins => k * 30), e.kind, NULL, e.kind, 'system'
FROM work_order w CROSS JOIN LATERAL generate_series(0, 3) k
JOIN (VALUES (0, 'created'), (1, 'accepted'), (2, 'arrived'), (3, 'completed')) e(n, kind)
  ON e.n = k;
INSERT INTO rating (work_order, score, at, needs_follow_up)
SELECT id, 1 + id % 5, created_at + interval '3 hours', id % 5 < 2 FROM work_order;
INSERT INTO follow_up (account, method, content, author, at)
SELECT s.account, 'call', 'Called about the service contract ' || g, 2,
       now() - make_interval(mins => g * 53)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 1400 ELSE 150 END) g;
INSERT INTO visit (rep, account, planned_at, checkin_at, on_site, checkout_at, outcome,
    created_at)
SELECT 2, s.account, now() - make_interval(hours => g * 20), now() - make_interval(hours => g * 20),
       g % 7 <> 0, now() - make_interval(hours => g * 20) + interval '40 minutes', 'interested',
       now() - make_interval(hours => g * 20)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 300 ELSE 50 END) g;
INSERT INTO pool_move (account, kind, to_owner, actor, at)
SELECT s.account, 'assigned', 2, 1, now() - make_interval(hours => g * 31)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 200 ELSE 20 END) g;
INSERT INTO task (title, due_at, assignee, account, done_at, done_by, created_at)
SELECT 'Call back ' || g, now() - make_interval(hours => g * 17), 2, s.account,
       now() - make_interval(hours => g * 17), 2, now() - make_interval(hours => g * 18)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 300 ELSE 30 END) g;
INSERT INTO stage (position, name, probability, kind)
VALUES (1, 'Qualify', 10, 'open'), (2, 'Propose', 50, 'open'), (3, 'Won', 100, 'won');
INSERT INTO opportunity (account, name, amount, currency, stage, expected_close, owner,
    created_at)
SELECT s.account, 'Deal ' || g, 10000, 'CNY', 3, current_date, 2,
       now() - make_interval(days => g * 9)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 60 ELSE 5 END) g;
INSERT INTO opportunity_stage_change (opportunity, from_stage, to_stage, actor, at)
SELECT o.id, NULLIF(k, 0), k + 1, 2, o.created_at + make_interval(days => k * 3)
FROM opportunity o CROSS JOIN generate_series(0, 2) k;
INSERT INTO contract (number, account, owner, title, amount, currency, starts_on, ends_on,
    status, created_at)
SELECT 'HT-' || s.account || '-' || g, s.account, 2, 'Supply', 100000, 'CNY', current_date,
       current_date + 365, 'active', now() - make_interval(days => g * 30)
FROM share s CROSS JOIN LATERAL generate_series(1, CASE WHEN s.mine = 1 THEN 30 ELSE 3 END) g;
INSERT INTO contract_event (contract, kind, actor, at)
SELECT c.id, e.kind, 1, c.created_at + make_interval(days => e.n)
FROM contract c CROSS JOIN (VALUES (0, 'submitted'), (1, 'approved'), (2, 'activated')) e(n, kind);
INSERT INTO payment (contract, amount, received_on, method, recorded_by, created_at)
SELECT c.id, 20000, current_date, 'bank_transfer', 1, c.created_at + make_interval(days => 20 + k)
FROM contract c CROSS JOIN generate_series(1, 4) k;
ANALYZE;
"""
COUNT = """
SELECT (SELECT count(*) FROM follow_up WHERE account = 1)
     + (SELECT count(*) FROM visit WHERE account = 1)
     + (SELECT count(*) FROM work_order_event e JOIN work_order w ON w.id = e.work_order
        WHERE w.account = 1)
     + (SELECT count(*) FROM rating r JOIN work_order w ON w.id = r.work_order WHERE w.account = 1)
     + (SELECT count(*) FROM pool_move WHERE account = 1)
     + (SELECT count(*) FROM task WHERE account = 1 AND done_at IS NOT NULL)
     + (SELECT count(*) FROM opportunity_stage_change sc JOIN opportunity o
        ON o.id = sc.opportunity WHERE o.account = 1)
     + (SELECT count(*) FROM contract_event ce JOIN contract c ON c.id = ce.contract
        WHERE c.account = 1)
     + (SELECT count(*) FROM payment p JOIN contract c ON c.id = p.contract WHERE c.account = 1)
"""
BASELINE = """
SELECT id, status, priority, description, created_at, engineer FROM work_order
WHERE account = $1 ORDER BY created_at DESC, id DESC LIMIT 50"""

ADMIN = Principal(1, "Admin", Role.ADMIN, "bench", "bench", False)
REP = Principal(2, "Rep", Role.REP, "bench", "bench", False)


async def _ms(work: object) -> float:
    started = time.perf_counter()
    await work  # type: ignore[misc]
    return (time.perf_counter() - started) * 1000


async def main(runs: int) -> None:
    async with scratch_database("timeline"):
        async with db.connection() as conn:
            await conn.execute(SEED)
        items = await db.fetchval(COUNT)
        print(f"account 1: {items} timeline items; {OTHERS} other accounts")
        deep = None
        cursor = None
        for _ in range(50):  # 50 pages down: 2,500 items deep
            page = await account_timeline(ADMIN, 1, cursor, 50)
            cursor = page.next
        deep = cursor
        samples: dict[str, list[float]] = {"first": [], "deep": [], "rep": [], "baseline": []}
        for run in range(runs + 10):
            timed = {
                "first": await _ms(account_timeline(ADMIN, 1, None, 50)),
                "deep": await _ms(account_timeline(ADMIN, 1, deep, 50)),
                "rep": await _ms(account_timeline(REP, 1, None, 50)),
                "baseline": await _ms(db.fetch(BASELINE, 1)),
            }
            if run >= 10:  # the first rounds warm the caches
                for name, ms in timed.items():
                    samples[name].append(ms)
        base = percentile(samples["baseline"], 50)
        for name, label in (
            ("baseline", "newest 50 work orders (baseline)"),
            ("first", "timeline, first page (admin)"),
            ("deep", "timeline, page 51 (2,500 items deep)"),
            ("rep", "timeline, first page (the owner rep)"),
        ):
            p50, p90 = percentile(samples[name], 50), percentile(samples[name], 90)
            print(f"{label:40s} p50 {p50:7.2f} ms  p90 {p90:7.2f} ms  ×{p50 / base:5.1f}")
        worst = max(percentile(samples[n], 50) for n in ("first", "deep", "rep"))
        print(
            f"goal p50 ≤ {GOAL_MS:.0f} ms: {'met' if worst <= GOAL_MS else 'NOT met'} ({worst:.2f})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    asyncio.run(main(parser.parse_args().runs))
