"""The demo's sales: stages, leads in every status, a pool with its history, ~300 opportunities
over the stages, contracts with payment plans (some overdue) and payments. Drawn after the rest
of the plan (backend/demo/plan.py), from the same seeded Random, so the rest stays as it was."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from backend.customers.dedupe import normalise_email, normalise_name, normalise_phone
from backend.demo import names
from backend.sales.stages import DEFAULT_STAGES

Row = tuple[Any, ...]

# fmt: off
SALES_TABLES: tuple[tuple[str, str, tuple[str, ...], dict[int, str]], ...] = (
    ("stages", "stage", ("position", "name", "name_zh", "probability", "kind"), {}),
    ("leads", "lead", ("name", "company", "company_key", "phone", "phone_key", "email",
                       "email_key", "source", "notes", "industry", "district", "status",
                       "disqualified_reason", "owner", "claimed_at", "pooled_at", "created_by",
                       "created_at", "updated_at", "converted_at", "account"),
     {13: "users", 16: "users", 20: "accounts"}),
    ("opportunities", "opportunity", ("account", "name", "amount", "currency", "stage",
                                      "expected_close", "owner", "next_step", "lost_reason",
                                      "closed_at", "created_by", "created_at", "updated_at"),
     {0: "accounts", 4: "stages", 6: "users", 10: "users"}),
    ("stage_changes", "opportunity_stage_change", ("opportunity", "from_stage", "to_stage",
                                                   "lost_reason", "actor", "at"),
     {0: "opportunities", 1: "stages", 2: "stages", 4: "users"}),
    ("contracts", "contract", ("number", "account", "opportunity", "owner", "title", "amount",
                               "currency", "starts_on", "ends_on", "status", "activated_at",
                               "created_by", "created_at", "updated_at"),
     {1: "accounts", 2: "opportunities", 3: "users", 11: "users"}),
    ("contract_events", "contract_event", ("contract", "kind", "actor", "reason", "at"),
     {0: "contracts", 2: "users"}),
    ("payment_plan", "payment_plan", ("contract", "line", "due_on", "amount", "paid", "paid_on"),
     {0: "contracts"}),
    ("payments", "payment", ("contract", "amount", "received_on", "method", "reference",
                             "recorded_by", "created_at"), {0: "contracts", 5: "users"}),
    ("pool_moves", "pool_move", ("account", "lead", "kind", "from_owner", "to_owner", "actor",
                                 "reason", "rule_days", "at"),
     {0: "accounts", 1: "leads", 3: "users", 4: "users", 5: "users"}),
)
# fmt: on
# The columns the sales half adds to each account row of the plan.
ACCOUNT_EXTRA = ("claimed_at", "pooled_at", "industry", "district")

LEAD_SOURCES = ("visit", "referral", "web", "phone", "exhibition", "service", "other")
LEAD_SOURCE_WEIGHTS = (15, 20, 25, 15, 12, 8, 5)
RELEASE_REASONS = (
    "客户暂无需求",
    "联系不上",
    "No budget this year",
    "Moved out of my territory",
    "已与竞争对手签约",
    "Duplicate of another account",
)
DISQUALIFIED = (
    "Student project, no purchase",
    "号码错误",
    "Competitor fishing for prices",
    "无购买意向",
)
NEXT_STEPS = (
    "发送报价单",
    "Site survey",
    "安排技术交流",
    "Send revised quote",
    "Meet the GM",
    "约见采购经理",
)
DEAL_WORDS = (
    ("中央空调改造", "Central AC retrofit"),
    ("电梯维保", "Elevator maintenance"),
    ("锅炉更换", "Boiler replacement"),
    ("净水系统", "Water purification"),
    ("配电升级", "Switchgear upgrade"),
    ("机房建设", "Server room build-out"),
)
METHODS = ("bank_transfer", "bank_transfer", "bank_transfer", "alipay", "wechat", "cheque")
# Amounts (CNY) by grade: lognormal around these medians.
MEDIAN_AMOUNT = {"A": 420_000, "B": 160_000, "C": 60_000}
STAGE_WEIGHTS = (22, 18, 16, 12, 20, 12)  # over DEFAULT_STAGES: open ×4, won, lost
LOST = ("price", "competitor", "no_budget", "no_decision", "timing", "requirements")


def _money(value: float) -> Decimal:
    return Decimal(max(5000, round(value / 100) * 100)).quantize(Decimal("0.01"))


def _industry(name: str) -> str | None:
    for zh, en, _ in names.INDUSTRIES:
        if zh in name or en in name:
            return en
    return None


def _district(lat: float, lng: float) -> str:
    return min(names.AREAS, key=lambda a: math.hypot(a.lat - lat, a.lng - lng)).district_en


class SalesHistory:
    def __init__(self, builder: Any, plan: dict[str, list[Row]]) -> None:
        self.b = builder
        self.rng = builder.rng
        self.now: datetime = builder.now
        self.today: date = builder.today
        self.plan = plan
        users = plan["users"]
        self.reps = [i for i, u in enumerate(users) if u[3] == "rep"]
        self.supervisor = next(i for i, u in enumerate(users) if u[3] == "supervisor")
        self.out: dict[str, list[Row]] = {key: [] for key, *_ in SALES_TABLES}
        self.pooled_at: dict[int, datetime] = {}
        self.claimed_at: dict[int, datetime] = {}

    def ago(self, max_days: int, min_days: int = 0) -> datetime:
        return self.now - timedelta(
            days=self.rng.randint(min_days, max_days), minutes=self.rng.randrange(600)
        )

    def move(self, account: int | None, lead: int | None, kind: str, **who: Any) -> None:
        self.out["pool_moves"].append(
            (account, lead, kind, who.get("from_owner"), who.get("to_owner"), who.get("actor"),
             who.get("reason"), who.get("rule_days"), who["at"])
        )  # fmt: skip

    # --- the pool's history of accounts -----------------------------------------------------------

    def pool(self) -> None:
        """A third of the pool was released or recycled by someone, with why and when; a fifth of
        the owned accounts were claimed from the pool in the last seven weeks (the sales board's
        claims per rep)."""
        for i, account in enumerate(self.plan["accounts"]):
            if account[6] is not None and self.reps and self.rng.random() < 0.2:
                at = self.ago(50)
                self.move(i, None, "claimed", to_owner=account[6], actor=account[6], at=at)
                self.claimed_at[i] = at
            if account[6] is not None or not self.reps or self.rng.random() > 0.35:
                continue
            former = self.rng.choice(self.reps)
            at = self.ago(60, 1)
            self.move(i, None, "claimed", to_owner=former, actor=former, at=at - timedelta(days=40))
            if self.rng.random() < 0.5:
                reason = self.rng.choice(RELEASE_REASONS)
                self.move(i, None, "released", from_owner=former, actor=former, reason=reason,
                          at=at)  # fmt: skip
            else:
                days = {"A": 30, "B": 15}.get(account[4], 7)
                self.move(i, None, "recycled", from_owner=former, rule_days=days, at=at)
            self.pooled_at[i] = at

    def accounts(self) -> list[Row]:
        return [
            (
                *a,
                self.claimed_at.get(i),
                self.pooled_at.get(i),
                _industry(a[0]),
                _district(a[8], a[9]),
            )
            for i, a in enumerate(self.plan["accounts"])
        ]

    # --- leads ----------------------------------------------------------------------------------

    def leads(self, count: int) -> None:
        rng = self.rng
        owned: dict[int, list[int]] = {}
        for i, a in enumerate(self.plan["accounts"]):
            if a[6] is not None:
                owned.setdefault(a[6], []).append(i)
        for n in range(count):
            status = rng.choices(("new", "working", "converted", "disqualified"), (35, 35, 18, 12))[
                0
            ]
            in_pool = status in ("new", "working") and rng.random() < 0.3
            owner = None if in_pool or not self.reps else rng.choice(self.reps)
            if status == "converted" and not owned.get(owner or -1):
                status = "working"
            chinese = rng.random() < 0.75
            person = self.b.person(chinese)
            company = None
            if rng.random() < 0.8:
                area = self.b.area()
                company, _ = self.b.account_name("zh" if chinese else "en", area)
            phone = self.b.mobile() if rng.random() < 0.85 else None
            email = (
                f"{person.first}.{person.last}{n}@example.com".lower()
                if rng.random() < 0.5
                else None
            )
            created = self.ago(90, 0)
            # Owned open leads were taken lately: the recycling rule (7 days) has not come yet.
            claimed = self.ago(5, 0) if owner is not None and status in ("new", "working") else None
            if claimed is not None and claimed < created:
                created = claimed
            account = converted = reason = pooled = None
            if status == "converted":
                account = rng.choice(owned[owner])  # type: ignore[index]
                company = self.plan["accounts"][account][0]
                converted = created + timedelta(days=rng.randint(1, 20))
                converted = min(converted, self.now)
            if status == "disqualified":
                reason = rng.choice(DISQUALIFIED)
            if in_pool and rng.random() < 0.5 and self.reps:
                former = rng.choice(self.reps)
                pooled = self.ago(20, 0)
                self.move(None, n, "released", from_owner=former, actor=former,
                          reason=rng.choice(RELEASE_REASONS), at=pooled)  # fmt: skip
            industry = _industry(company or "") if company else None
            district = rng.choice(names.AREAS).district_en if rng.random() < 0.6 else None
            source = rng.choices(LEAD_SOURCES, LEAD_SOURCE_WEIGHTS)[0]
            updated = max(x for x in (created, claimed, converted, pooled) if x is not None)
            self.out["leads"].append(
                (person.name, company, normalise_name(company) or None if company else None,
                 phone, normalise_phone(phone), email, normalise_email(email), source, None,
                 industry, district, status, reason, owner, claimed, pooled,
                 owner if owner is not None else self.supervisor, created, updated, converted,
                 account)
            )  # fmt: skip

    # --- opportunities, contracts, payments -----------------------------------------------------

    def opportunities(self, count: int) -> None:
        rng = self.rng
        self.out["stages"] = [
            (i, name, zh, p, kind.value) for i, (name, zh, p, kind) in enumerate(DEFAULT_STAGES, 1)
        ]
        owned = [i for i, a in enumerate(self.plan["accounts"]) if a[6] is not None]
        if not owned:
            return
        for n in range(count):
            account = rng.choice(owned)
            row = self.plan["accounts"][account]
            owner = row[6]
            stage = rng.choices(range(len(DEFAULT_STAGES)), STAGE_WEIGHTS)[0]
            kind = DEFAULT_STAGES[stage][3].value
            zh, en = rng.choice(DEAL_WORDS)
            name = zh if not row[0].isascii() else en
            amount = _money(MEDIAN_AMOUNT[row[4]] * math.exp(rng.gauss(0, 0.6)))
            created = self.ago(300, 5)
            closed = None
            if kind == "open":
                expected = self.today + timedelta(days=rng.randint(-20, 180))
            else:
                closed = min(self.now, created + timedelta(days=rng.randint(10, 120)))
                expected = closed.date()
            lost = rng.choice(LOST) if kind == "lost" else None
            self.out["opportunities"].append(
                (account, name, amount, "CNY", stage, expected, owner,
                 rng.choice(NEXT_STEPS) if kind == "open" else None, lost, closed, owner,
                 created, closed or created)
            )  # fmt: skip
            # Its history: the open stages up to where it is (a lost one may stop anywhere).
            path = (
                list(range(min(stage, 3) + 1)) if kind == "open" else list(range(rng.randint(1, 4)))
            )
            if kind != "open":
                path.append(stage)
            at = created
            step = ((closed or self.now) - created) / max(1, len(path))
            for k, to in enumerate(path):
                self.out["stage_changes"].append(
                    (n, path[k - 1] if k else None, to, lost if to == stage else None, owner, at)
                )
                at = at + step
            if kind == "won":
                self.contract(n, account, owner, name, amount, closed)  # type: ignore[arg-type]

    def contract(
        self, deal: int, account: int, owner: int, title: str, amount: Decimal, won: datetime
    ) -> None:
        rng = self.rng
        n = len(self.out["contracts"])
        starts = won.date() + timedelta(days=rng.randint(3, 20))
        months = rng.choice((12, 12, 24, 36))
        ends = starts + timedelta(days=30 * months - 1)
        roll = rng.random()
        status = "active" if roll < 0.75 else "completed" if roll < 0.85 else (
            "pending_approval" if amount >= 100_000 else "draft")  # fmt: skip
        created = min(self.now, won + timedelta(hours=rng.randint(2, 48)))
        activated = (
            min(self.now, created + timedelta(days=rng.randint(0, 3)))
            if status in ("active", "completed")
            else None
        )
        if status == "completed" and (
            activated is None or activated + timedelta(days=30) > self.now or starts >= self.today
        ):
            status = "active"  # completed only once it has run for a while: events in order
        self.out["contracts"].append(
            (f"HT-{starts.year}-{n + 1:04d}", account, deal, owner, title, amount, "CNY", starts,
             ends, status, activated, owner, created, activated or created)
        )  # fmt: skip
        events = self.out["contract_events"]
        if status != "draft":
            events.append((n, "submitted", owner, None, created))
        if activated is not None:
            if amount >= 100_000:
                events.append((n, "approved", self.supervisor, "同意 OK", activated))
            events.append((n, "activated", owner if amount < 100_000 else self.supervisor, None,
                           activated))  # fmt: skip
        if status == "completed" and activated is not None:
            done = min(self.now, activated + timedelta(days=200))
            events.append((n, "completed", owner, None, done))
        # The plan: 1-4 lines a quarter apart, the last taking the rest.
        lines = rng.choice((1, 2, 3, 4))
        share = (amount / lines).quantize(Decimal("0.01"))
        dues = [starts + timedelta(days=91 * k) for k in range(lines)]
        parts = [share] * (lines - 1) + [amount - share * (lines - 1)]
        for line, (due, part) in enumerate(zip(dues, parts, strict=True), start=1):
            paid, paid_on = Decimal(0), None
            if status == "completed" or (status == "active" and due < self.today):
                roll = rng.random()
                if status == "completed" or roll < 0.7:  # paid in full, a few days either side
                    paid = part
                elif roll < 0.85:  # partly: overdue
                    paid = (part * Decimal(rng.choice((0.3, 0.5)))).quantize(Decimal("0.01"))
                # else: nothing yet, overdue
            elif status == "active" and rng.random() < 0.1:
                paid = part  # paid early
            if paid:
                received = min(self.today, due + timedelta(days=rng.randint(-5, 12)))
                paid_on = received if paid == part else None
                self.out["payments"].append(
                    (n, paid, received, rng.choice(METHODS), f"TX{rng.randrange(10**8):08d}", owner,
                     datetime.combine(received, datetime.min.time(), self.now.tzinfo))
                )  # fmt: skip
            self.out["payment_plan"].append((n, line, due, part, paid, paid_on))


def build_sales(
    builder: Any, plan: dict[str, list[Row]], *, leads: int, opportunities: int
) -> None:
    """Adds the sales rows to the plan and the pool columns to its accounts."""
    history = SalesHistory(builder, plan)
    history.pool()
    plan["accounts"] = history.accounts()
    history.leads(leads)
    history.opportunities(opportunities)
    plan.update(history.out)
