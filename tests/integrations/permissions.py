"""Permission rows of the integrations: webhooks and their deliveries are the admin's alone
(run by tests/test_permissions.py)."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from backend import db
from tests.support.matrix import Case, World

ADMIN_ONLY_READ = (401, 200, 403, 403, 403)

CASES = [
    Case(
        "POST",
        "/api/webhooks",
        (401, 201, 403, 403, 403),
        {"url": "https://93.184.215.14/hook", "events": ["work_order.created"]},
    ),
    Case("GET", "/api/webhooks", ADMIN_ONLY_READ),
    Case(
        "PATCH",
        "/api/webhooks/{webhook}",
        ADMIN_ONLY_READ,
        {"events": ["contract.activated", "lead.created"]},
        route="/api/webhooks/{webhook_id}",
    ),
    Case(
        "DELETE",
        "/api/webhooks/{webhook}",
        (401, 204, 403, 403, 403),
        route="/api/webhooks/{webhook_id}",
    ),
    Case(
        "GET",
        "/api/webhooks/{webhook}/deliveries",
        ADMIN_ONLY_READ,
        route="/api/webhooks/{webhook_id}/deliveries",
    ),
    Case(
        "POST",
        "/api/webhooks/deliveries/{delivery}/retry",
        ADMIN_ONLY_READ,
        route="/api/webhooks/deliveries/{delivery_id}/retry",
    ),
    # No multipart body here: the admin's 400 says the form is missing (tests/integrations has
    # the uploads); everyone else is stopped before the body is read.
    Case("POST", "/api/imports", (401, 400, 403, 403, 403)),
    Case("POST", "/api/imports/preview", (401, 400, 403, 403, 403)),
    Case("GET", "/api/imports", ADMIN_ONLY_READ),
    Case(
        "GET",
        "/api/imports/{import_run}/errors.xlsx",
        ADMIN_ONLY_READ,
        route="/api/imports/{import_id}/errors.xlsx",
    ),
]


async def world(api: AsyncClient, w: World) -> None:
    """A hook with one given-up delivery. Its URL is http://127.0.0.1, which the outbound guard
    refuses at send time in the matrix: a retry's send touches no network.
    It follows an event nothing in the matrix emits."""
    hook = await db.fetchval(
        """INSERT INTO webhook (url, events, secret, created_by)
           VALUES ('http://127.0.0.1:9/matrix', '{contract.activated}', 'whsec_matrix', $1)
           RETURNING id""",
        w.people["admin"].id,
    )
    delivery = await db.fetchval(
        """INSERT INTO webhook_delivery (webhook, event_id, event_type, body, status, attempts)
           VALUES ($1, $2, 'contract.activated', '{}', 'failed', 8) RETURNING id""",
        hook,
        uuid.uuid4(),
    )
    run = await db.fetchval(
        """INSERT INTO import_run (kind, filename, mode, on_duplicate, mapping, header, rows, valid,
               created, updated, skipped, errors, error_rows, created_by)
           VALUES ('accounts', 'a.csv', 'dry_run', 'skip', '{"name": "name"}', '["name"]', 1, 0,
                   0, 0, 0, '[{"row": 2, "field": "name", "message": "required"}]',
                   '[[2, null]]', $1)
           RETURNING id""",
        w.people["admin"].id,
    )
    w.ids.update(webhook=hook, delivery=delivery, import_run=run)
