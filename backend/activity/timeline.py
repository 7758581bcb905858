"""The account's 360° timeline: follow-ups, visits, leads converted into it, opportunity stage
changes, contracts and payments, work orders and their events, photos and ratings, pool moves
and tasks done — newest first, in one SQL statement.

Each kind is a branch of a UNION ALL that reads its own index newest first and stops at the
page's size (a per-kind limit), so a page costs the same on the first day and after years; the
page is the newest `limit` of the branches' rows, built as JSON by PostgreSQL. Paging is by a
keyset cursor (at, kind, id) — never OFFSET — so equal timestamps neither repeat nor vanish.
Who may see an item follows who may see its object (backend/access.py's rules, in SQL)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

import msgspec

from backend import db
from backend.access import Principal, check_account_read
from backend.errors import Invalid, NotFound

# Inside each branch: its rows after the cursor ($2 at, $3 kind, $4 id), newest first.
AFTER = "{at} <= $2 AND ({at}, '{kind}'::text, {id}::bigint) < ($2, $3::text, $4::bigint)"
# $6 the viewer, $7 a manager (sees every item), $8 the account is the viewer's (or a manager's).
BRANCHES = {
    "follow_up": """
SELECT f.at, f.id::bigint AS id, u.name AS actor, f.method || ': ' || left(f.content, 200)
       AS summary, 'follow_up' AS ref_type, f.id AS ref_id,
       json_build_object('method', f.method, 'next_contact_at', f.next_contact_at,
                         'lead_id', f.lead, 'opportunity_id', f.opportunity,
                         'content', left(f.content, 200)) AS data
FROM follow_up f LEFT JOIN app_user u ON u.id = f.author
WHERE f.account = $1 AND {after} AND ($8 OR f.author = $6)
ORDER BY f.at DESC, f.id DESC""",
    "visit": """
SELECT COALESCE(v.checkout_at, v.checkin_at) AS at, v.id::bigint AS id, u.name AS actor,
       'Visit' || CASE WHEN v.on_site THEN ', on site' ELSE ', off site' END
           || COALESCE(': ' || v.outcome, '') AS summary, 'visit' AS ref_type, v.id AS ref_id,
       json_build_object('on_site', v.on_site, 'checkin_at', v.checkin_at,
                         'checkout_at', v.checkout_at, 'outcome', v.outcome) AS data
FROM visit v JOIN app_user u ON u.id = v.rep
WHERE v.account = $1 AND v.checkin_at IS NOT NULL AND ($7 OR v.rep = $6)
  AND {after}
ORDER BY 1 DESC, v.id DESC""",
    "lead": """
SELECT l.converted_at AS at, l.id::bigint AS id, u.name AS actor,
       'Lead converted: ' || COALESCE(l.company, l.name) AS summary, 'lead' AS ref_type,
       l.id AS ref_id,
       json_build_object('source', l.source, 'name', COALESCE(l.company, l.name)) AS data
FROM lead l LEFT JOIN app_user u ON u.id = l.owner
WHERE l.account = $1 AND l.converted_at IS NOT NULL AND ($7 OR l.owner = $6)
  AND {after}
ORDER BY l.converted_at DESC, l.id DESC""",
    "stage_change": """
SELECT sc.at, sc.id AS id, u.name AS actor,
       o.name || ': ' || COALESCE(fs.name || ' → ', '') || ts.name AS summary,
       'opportunity' AS ref_type, o.id AS ref_id,
       json_build_object('from_stage', fs.name, 'to_stage', ts.name, 'kind', ts.kind,
                         'lost_reason', sc.lost_reason, 'opportunity', o.name,
                         'from_stage_zh', fs.name_zh, 'to_stage_zh', ts.name_zh) AS data
FROM opportunity o JOIN opportunity_stage_change sc ON sc.opportunity = o.id
JOIN stage ts ON ts.id = sc.to_stage LEFT JOIN stage fs ON fs.id = sc.from_stage
LEFT JOIN app_user u ON u.id = sc.actor
WHERE o.account = $1 AND ($7 OR o.owner = $6) AND {after}
ORDER BY sc.at DESC, sc.id DESC""",
    "contract": """
SELECT ce.at, ce.id::bigint AS id, u.name AS actor,
       c.number || ' ' || ce.kind || COALESCE(': ' || ce.reason, '') AS summary,
       'contract' AS ref_type, c.id AS ref_id,
       json_build_object('event', ce.kind, 'number', c.number, 'amount', c.amount,
                         'currency', c.currency, 'reason', ce.reason) AS data
FROM contract c JOIN contract_event ce ON ce.contract = c.id
LEFT JOIN app_user u ON u.id = ce.actor
WHERE c.account = $1 AND ($7 OR c.owner = $6) AND {after}
ORDER BY ce.at DESC, ce.id DESC""",
    "payment": """
SELECT p.created_at AS at, p.id::bigint AS id, u.name AS actor,
       'Payment ' || p.amount || ' ' || c.currency || ' on ' || c.number AS summary,
       'contract' AS ref_type, c.id AS ref_id,
       json_build_object('amount', p.amount, 'currency', c.currency,
                         'received_on', p.received_on, 'method', p.method,
                         'number', c.number) AS data
FROM contract c JOIN payment p ON p.contract = c.id LEFT JOIN app_user u ON u.id = p.recorded_by
WHERE c.account = $1 AND ($7 OR c.owner = $6) AND {after}
ORDER BY p.created_at DESC, p.id DESC""",
    # A rating is its own item: the work order's `rated` event would say it twice.
    "work_order": """
SELECT e.at, e.id::bigint AS id, u.name AS actor,
       '#' || w.id || ' ' || e.kind || COALESCE(': ' || e.note, '') AS summary,
       'work_order' AS ref_type, w.id AS ref_id,
       json_build_object('event', e.kind, 'status', e.to_status, 'actor_kind', e.actor_kind,
                         'note', e.note) AS data
FROM work_order w JOIN work_order_event e ON e.work_order = w.id
LEFT JOIN app_user u ON u.id = e.actor
WHERE w.account = $1 AND $7 AND e.kind <> 'rated' AND {after}
ORDER BY e.at DESC, e.id DESC""",
    "rating": """
SELECT r.at, r.id::bigint AS id, NULL::text AS actor,
       '#' || w.id || ' rated ' || r.score || '/5' || COALESCE(': ' || r.comment, '')
           AS summary, 'work_order' AS ref_type, w.id AS ref_id,
       json_build_object('score', r.score, 'comment', r.comment) AS data
FROM work_order w JOIN rating r ON r.work_order = w.id
WHERE w.account = $1 AND $7 AND {after}
ORDER BY r.at DESC, r.id DESC""",
    "photo": """
SELECT ph.created_at AS at, ph.id::bigint AS id, u.name AS actor,
       '#' || w.id || ' photo (' || ph.stage || ')' AS summary, 'work_order' AS ref_type,
       w.id AS ref_id,
       json_build_object('stage', ph.stage,
                         'url', '/api/work-orders/' || w.id || '/photos/' || ph.id) AS data
FROM work_order w JOIN work_order_photo ph ON ph.work_order = w.id
LEFT JOIN app_user u ON u.id = ph.taken_by
WHERE w.account = $1 AND $7 AND {after}
ORDER BY ph.created_at DESC, ph.id DESC""",
    "pool_move": """
SELECT pm.at, pm.id AS id, u.name AS actor,
       pm.kind || COALESCE(': ' || pm.reason, '') AS summary, 'account' AS ref_type,
       pm.account AS ref_id,
       json_build_object('move', pm.kind, 'from_owner', fo.name, 'to_owner', tow.name,
                         'rule_days', pm.rule_days, 'reason', pm.reason) AS data
FROM pool_move pm LEFT JOIN app_user u ON u.id = pm.actor
LEFT JOIN app_user fo ON fo.id = pm.from_owner LEFT JOIN app_user tow ON tow.id = pm.to_owner
WHERE pm.account = $1 AND {after}
ORDER BY pm.at DESC, pm.id DESC""",
    "task": """
SELECT t.done_at AS at, t.id::bigint AS id, u.name AS actor, 'Done: ' || t.title AS summary,
       'task' AS ref_type, t.id AS ref_id,
       json_build_object('rule', t.rule, 'title', t.title) AS data
FROM task t LEFT JOIN app_user u ON u.id = t.done_by
WHERE t.account = $1 AND t.done_at IS NOT NULL AND ($7 OR t.assignee = $6) AND {after}
ORDER BY t.done_at DESC, t.id DESC""",
}
AT = {"visit": "COALESCE(v.checkout_at, v.checkin_at)"}
ID = {
    "follow_up": "f.id",
    "visit": "v.id",
    "lead": "l.id",
    "stage_change": "sc.id",
    "contract": "ce.id",
    "payment": "p.id",
    "work_order": "e.id",
    "rating": "r.id",
    "photo": "ph.id",
    "pool_move": "pm.id",
    "task": "t.id",
}
AT_COLUMN = {
    "follow_up": "f.at",
    "lead": "l.converted_at",
    "stage_change": "sc.at",
    "contract": "ce.at",
    "payment": "p.created_at",
    "work_order": "e.at",
    "rating": "r.at",
    "photo": "ph.created_at",
    "pool_move": "pm.at",
    "task": "t.done_at",
    **AT,
}


def _branch(kind: str) -> str:
    after = AFTER.format(at=AT_COLUMN[kind], kind=kind, id=ID[kind])
    body = BRANCHES[kind].format(after=after).strip()
    return f"(SELECT '{kind}'::text AS kind, b.* FROM ({body} LIMIT $5) b)"


TIMELINE = f"""
WITH item AS (
{chr(10).join(("UNION ALL " if i else "") + _branch(k) for i, k in enumerate(BRANCHES))}
), page AS (
    SELECT * FROM item ORDER BY at DESC, kind DESC, id DESC LIMIT $5
)
SELECT COALESCE(json_agg(json_build_object(
           'at', at, 'kind', kind, 'id', id, 'actor', actor, 'summary', summary,
           'ref', json_build_object('type', ref_type, 'id', ref_id), 'data', data)
       ORDER BY at DESC, kind DESC, id DESC), '[]')
FROM page"""

KINDS = tuple(BRANCHES)


class Ref(msgspec.Struct):
    type: str
    id: int


class Item(msgspec.Struct):
    at: datetime
    kind: str
    id: int  # the row's own id within its kind (an event's, a payment's, …)
    actor: str | None
    summary: str
    ref: Ref  # the object it links to
    data: dict[str, object]


class Timeline(msgspec.Struct):
    items: list[Item]
    next: str | None  # the cursor of the next (older) page: ?before=


def encode_cursor(item: Item) -> str:
    raw = f"{item.at.isoformat()}|{item.kind}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, kind, row_id = raw.split("|")
        moment = datetime.fromisoformat(at)
        if kind not in KINDS or moment.tzinfo is None:
            raise ValueError(kind)
        return moment, kind, int(row_id)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise Invalid("before", "not a cursor this timeline gave (use its `next`)") from exc


async def account_timeline(
    principal: Principal, account_id: int, before: str | None, limit: int
) -> Timeline:
    owner = await db.fetchrow("SELECT owner FROM account WHERE id = $1", account_id)
    if owner is None:
        raise NotFound("Account not found")
    check_account_read(principal, owner["owner"])
    if before:
        at, kind, row_id = decode_cursor(before)
    else:  # after the end of time: the newest first
        at, kind, row_id = datetime.max.replace(tzinfo=UTC), "~", 0
    found = await db.fetchval(
        TIMELINE,
        account_id,
        at,
        kind,
        row_id,
        limit + 1,
        principal.id,
        principal.is_manager,
        principal.is_manager or owner["owner"] == principal.id,
    )
    items = msgspec.json.decode(found, type=list[Item])
    more = len(items) > limit
    items = items[:limit]
    return Timeline(items, encode_cursor(items[-1]) if more else None)
