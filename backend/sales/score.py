"""A lead's score, 0–100, from explainable signals: each reason names a signal and its points.

The signals are read in the lead's own SELECT (SIGNALS_SQL), so a list scores every row in the
same statement; the arithmetic is here, pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.sales.schemas import ScoreReason

SOURCE_POINTS = {
    "referral": 25,
    "service": 25,
    "visit": 20,
    "exhibition": 15,
    "web": 10,
    "phone": 10,
    "other": 0,
}
POINTS = {
    "has_phone": 20,
    "has_email": 10,
    "has_company": 10,
    "known_industry": 15,
    "known_district": 10,
    "recent_work": 10,
}

# Columns of alias `l` (lead) that say which signals hold; the lead's SELECT includes them.
SIGNALS_SQL = """
       l.phone_key IS NOT NULL AS has_phone,
       l.email_key IS NOT NULL AS has_email,
       l.company_key IS NOT NULL AS has_company,
       (l.industry IS NOT NULL AND EXISTS (
           SELECT 1 FROM account ia WHERE ia.industry = l.industry)) AS known_industry,
       (l.district IS NOT NULL AND EXISTS (
           SELECT 1 FROM account da WHERE da.district = l.district)) AS known_district,
       EXISTS (SELECT 1 FROM follow_up f
               WHERE f.lead = l.id AND f.at > now() - interval '14 days') AS recent_work"""


def score(row: Mapping[str, Any] | Any) -> tuple[int, list[ScoreReason]]:
    """The score and its reasons, from a row holding the signals and `source`."""
    reasons = [ScoreReason(code, points) for code, points in POINTS.items() if row[code]]
    source_points = SOURCE_POINTS.get(str(row["source"]), 0)
    if source_points:
        reasons.append(ScoreReason(f"source_{row['source']}", source_points))
    return min(100, sum(r.points for r in reasons)), reasons
