"""What follow-ups and tasks are about: an account, lead, opportunity, contract or work order,
read in SQL (sales sits above activity), with its owner and account for the access rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.access import Principal, Role, check_job_read
from backend.activity.tables import ObjectKind
from backend.errors import NotFound

# Per kind: its owner (for a work order, the engineer holding it), its account and its name.
SUBJECT_SQL = {
    ObjectKind.ACCOUNT: "SELECT owner, id AS account, name FROM account WHERE id = $1",
    ObjectKind.LEAD: "SELECT owner, account, COALESCE(company, name) AS name FROM lead "
    "WHERE id = $1",
    ObjectKind.OPPORTUNITY: "SELECT owner, account, name FROM opportunity WHERE id = $1",
    ObjectKind.CONTRACT: "SELECT owner, account, title AS name FROM contract WHERE id = $1",
    ObjectKind.WORK_ORDER: "SELECT w.engineer AS owner, w.account, a.name FROM work_order w "
    "JOIN account a ON a.id = w.account WHERE w.id = $1",
}


@dataclass(frozen=True)
class Subject:
    kind: ObjectKind
    id: int
    owner_id: int | None  # null: in the public pool (an account or lead)
    account_id: int | None
    name: str

    @property
    def ref(self) -> tuple[ObjectKind, int]:
        return self.kind, self.id

    @property
    def what(self) -> str:
        return self.kind.value.replace("_", " ")


async def load_subject(conn: Any, kind: ObjectKind, object_id: int, field: str = "") -> Subject:
    row = await conn.fetchrow(SUBJECT_SQL[kind], object_id)
    if row is None:
        raise NotFound(f"{kind.value.replace('_', ' ').capitalize()} not found")
    return Subject(kind, object_id, row["owner"], row["account"], row["name"])


def check_readable(principal: Principal, subject: Subject) -> None:
    """May principal name this object (on a task)? Managers any; a rep his own and the pool's
    accounts and leads; an engineer the job he holds. Else it is not found."""
    if subject.kind == ObjectKind.WORK_ORDER:
        check_job_read(principal, subject.owner_id)
        return
    if principal.is_manager:
        return
    pooled = subject.kind in (ObjectKind.ACCOUNT, ObjectKind.LEAD) and subject.owner_id is None
    if principal.role == Role.REP and (subject.owner_id == principal.id or pooled):
        return
    raise NotFound(f"{subject.what.capitalize()} not found")
