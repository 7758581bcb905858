"""The demo's integrations, derived from its history (no random draws of their own, so the rest
of the data set stays as it was): two runs of a spreadsheet of trade-fair leads by the admin (the
dry run, then the commit, two rows in error), and the ERP's webhook with a delivery of each of
the last jobs completed, a few after a failed first try. The hook is switched off, as an admin
would leave an integration whose receiver the demo cannot reach; its secret is drawn at load
time, never from the seed."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

Row = tuple[Any, ...]

# fmt: off
INTEGRATION_TABLES: tuple[tuple[str, str, tuple[str, ...], dict[int, str]], ...] = (
    ("import_runs", "import_run", ("kind", "filename", "mode", "on_duplicate", "mapping", "header",
                                   "rows", "valid", "created", "updated", "skipped", "errors",
                                   "error_rows", "created_by", "created_at"),
     {13: "users"}),
    ("webhooks", "webhook", ("url", "events", "secret", "active", "disabled_reason",
                             "created_by", "created_at"), {5: "users"}),
    ("webhook_deliveries", "webhook_delivery", ("webhook", "event_id", "event_type", "body",
                                                "status", "attempts", "last_status",
                                                "delivered_at", "created_at"),
     {0: "webhooks"}),
    ("webhook_attempts", "webhook_attempt", ("delivery", "at", "status_code", "error",
                                             "duration_ms"), {0: "webhook_deliveries"}),
)
# fmt: on
ADMIN = 0  # the admin's place in the plan's users
DELIVERIES = 30  # the last jobs completed, each told to the ERP
EVENT_IDS = uuid.UUID("6f1c1d1e-6b0e-4a8e-9d59-0a6f6c1e2d3b")  # the demo's event ids derive from it
HEADER = ["姓名", "公司", "电话", "邮箱", "备注"]
ERRORS = [
    {"row": 12, "field": "phone", "message": "a phone number: digits, spaces and + ( ) - . only"},
    {"row": 31, "field": "email", "message": "an e-mail address such as name@example.com"},
]
ERROR_ROWS = [
    [12, "王磊", "申能环境", "见名片", None, "展会咨询冷库方案"],
    [31, "Li Na", "Harbour Foods", "138 0013 8031", "li.na@", "Asked for a quote"],
]


def _imports(now: datetime) -> list[Row]:
    mapping = json.dumps(
        {"姓名": "name", "公司": "company", "电话": "phone", "邮箱": "email", "备注": "notes"},
        ensure_ascii=False,
    )
    runs = []
    for mode, created, at in (
        ("dry_run", 46, now - timedelta(days=9, minutes=4)),
        ("commit", 46, now - timedelta(days=9)),
    ):
        runs.append(
            (
                "leads",
                "展会线索-2026.xlsx",
                mode,
                "skip",
                mapping,
                json.dumps(HEADER, ensure_ascii=False),
                48,
                46,
                created,
                0,
                0,
                json.dumps(ERRORS, ensure_ascii=False),
                json.dumps(ERROR_ROWS, ensure_ascii=False),
                ADMIN,
                at,
            )
        )
    return runs


def build_integrations(plan: dict[str, list[Row]], now: datetime) -> None:
    plan["import_runs"] = _imports(now)
    since = now - timedelta(days=30)
    plan["webhooks"] = [
        (
            "https://erp.example.com/fieldline/events",
            ["work_order.completed", "work_order.created"],
            None,  # the secret: drawn when the demo loads
            False,
            "disabled by an admin",
            ADMIN,
            since,
        )
    ]
    completed = sorted(
        (job[19], i) for i, job in enumerate(plan["work_orders"]) if job[19] is not None
    )[-DELIVERIES:]
    deliveries: list[Row] = []
    attempts: list[Row] = []
    for n, (at, job) in enumerate(completed):
        event_id = uuid.uuid5(EVENT_IDS, str(job))
        body = json.dumps(
            {"id": str(event_id), "type": "work_order.completed", "at": at.isoformat(), "data": {}}
        )
        first = at + timedelta(seconds=1)
        tries = [(first, 200, None, 120 + n * 7 % 90)]
        if n % 7 == 3:  # the ERP was busy: a 503, then delivered after the first back-off
            tries = [(first, 503, None, 2100), (first + timedelta(minutes=1), 200, None, 140)]
        deliveries.append(
            (
                0,
                event_id,
                "work_order.completed",
                body,
                "delivered",
                len(tries),
                200,
                tries[-1][0],
                at,
            )
        )
        attempts += [(len(deliveries) - 1, *t) for t in tries]
    plan["webhook_deliveries"], plan["webhook_attempts"] = deliveries, attempts
