"""The duplicate check of leads (防撞单): one query over leads, accounts and contacts by the
normalised phone, e-mail and company name, worded so a rep learns that a colleague holds a
match but nothing of it."""

from __future__ import annotations

from dataclasses import dataclass

from backend import db
from backend.access import Principal
from backend.customers.dedupe import normalise_email, normalise_name, normalise_phone
from backend.sales.schemas import DuplicateMatch

# Converted leads live on as their account and contact: only open or disqualified ones match.
MATCHES_SQL = """
SELECT 'lead' AS type, l.id, l.name, l.owner, u.name AS owner_name,
       array_remove(ARRAY[CASE WHEN l.phone_key = $1 THEN 'phone' END,
                          CASE WHEN l.email_key = $2 THEN 'email' END,
                          CASE WHEN l.company_key = $3 THEN 'company' END], NULL) AS matched_on
FROM lead l LEFT JOIN app_user u ON u.id = l.owner
WHERE l.status <> 'converted' AND l.id IS DISTINCT FROM $4
  AND (l.phone_key = $1 OR l.email_key = $2 OR l.company_key = $3)
UNION ALL
SELECT 'account', a.id, a.name, a.owner, u.name,
       array_remove(ARRAY[CASE WHEN a.phone_key = $1 THEN 'phone' END,
                          CASE WHEN a.name_key = $3 THEN 'company' END], NULL)
FROM account a LEFT JOIN app_user u ON u.id = a.owner
WHERE a.phone_key = $1 OR a.name_key = $3
UNION ALL
SELECT 'contact', c.id, c.name, a.owner, u.name,
       array_remove(ARRAY[CASE WHEN c.phone_key = $1 THEN 'phone' END,
                          CASE WHEN c.email_key = $2 THEN 'email' END], NULL)
FROM contact c JOIN account a ON a.id = c.account LEFT JOIN app_user u ON u.id = a.owner
WHERE c.phone_key = $1 OR c.email_key = $2
ORDER BY 1, 2
LIMIT 50"""


@dataclass(frozen=True)
class Keys:
    phone: str | None
    email: str | None
    company: str | None

    @classmethod
    def of(cls, phone: str | None, email: str | None, company: str | None) -> Keys:
        return cls(
            normalise_phone(phone),
            normalise_email(email),
            (normalise_name(company) or None) if company else None,
        )

    def any(self) -> bool:
        return bool(self.phone or self.email or self.company)


async def lock(keys: Keys) -> None:
    """Serialises creates of the same phone, e-mail or company (leads and accounts alike: the
    prefixes are the accounts' own), so two reps cannot both slip past the check."""
    for key in (
        f"p:{keys.phone or ''}",
        f"e:{keys.email or ''}",
        f"n:{keys.company or ''}",
    ):
        if len(key) > 2:
            await db.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)


async def matches(
    principal: Principal, keys: Keys, exclude_lead: int | None = None
) -> list[DuplicateMatch]:
    """Every lead, account and contact sharing a key, as the principal may learn of it."""
    if not keys.any():
        return []
    rows = await db.fetch(MATCHES_SQL, keys.phone, keys.email, keys.company, exclude_lead)
    found = []
    for r in rows:
        pool = r["owner"] is None
        visible = principal.is_manager or pool or r["owner"] == principal.id
        found.append(
            DuplicateMatch(
                type=r["type"],
                id=r["id"] if visible else None,
                name=r["name"] if visible else None,
                owner_name=r["owner_name"],
                pool=pool,
                matched_on=list(r["matched_on"]),
            )
        )
    return found
