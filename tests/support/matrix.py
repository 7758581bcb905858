"""The permission matrix's machinery: a row (Case), the roles, and the world every row is tried in.

Rows live with their domain's tests (tests/<domain>/permissions.py: a list `CASES`, and when the
domain needs objects of its own, an `async def world(api, world)` that adds them); the one test
that runs them all is tests/test_permissions.py. The world is built once through the API: one
user of each role plus a second rep and engineer, and objects that are one's own, someone
else's (foreign) or in the public pool, so each row can ask "may this role touch this one?".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient

from tests.support.factories import Staff, account, device, product, team

ROLES = ("anonymous", "admin", "supervisor", "rep", "engineer")

# A browser subscription's keys (RFC 8291, appendix A).
P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"

# The order the domains' world() run in: lower layers first, so a domain may use what the ones
# below it made (a domain not named here runs after these, by name).
WORLD_ORDER = (
    "staff",
    "catalogue",
    "customers",
    "workorders",
    "field",
    "push",
    "activity",
    "sales",
    "maintenance",
    "integrations",
    "boards",
    "pages",
)


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the world's ids
    expected: tuple[int, int, int, int, int]  # anonymous, admin, supervisor, rep, engineer
    body: Any = None
    route: str = ""  # the route template, when path has a query string or concrete values

    @property
    def template(self) -> str:
        return self.route or self.path


@dataclass
class World:
    """The ids rows name in "{placeholders}", and the signed-in people of every role."""

    ids: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Staff] = field(default_factory=dict)


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """Replaces "{name}" placeholders in paths and bodies with the world's ids."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


async def base_world(api: AsyncClient) -> World:
    """The people, and the accounts and devices that own/foreign/pool rows are about."""
    people = await team(api)
    admin = people["admin"]
    own = await account(api, people["rep"])
    foreign = await account(api, people["other_rep"])
    pool = await account(api, admin)
    model = await product(api, admin)
    own_device = await device(api, admin, own["id"], model["id"])
    foreign_device = await device(api, admin, foreign["id"], model["id"])
    ids = {
        "admin_email": admin.email,
        "rep": people["rep"].id,
        "other_rep": people["other_rep"].id,
        "engineer": people["engineer"].id,
        "other_engineer": people["other_engineer"].id,
        "now": datetime.now(UTC).isoformat(),
        "own_account": own["id"],
        "foreign_account": foreign["id"],
        "pool_account": pool["id"],
        "product": model["id"],
        "own_device": own_device["id"],
        "foreign_device": foreign_device["id"],
        "own_token": own_device["qr_url"].rsplit("/", 1)[1],
    }
    return World(ids, people)
