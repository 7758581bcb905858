"""The demo data set as plain rows: a seeded, reproducible Shanghai of staff, customers, devices
and (backend/demo/history.py) their history; backend/demo/load.py loads it."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from backend.customers.dedupe import normalise_name, normalise_phone
from backend.customers.devices import warranty_end
from backend.demo import names
from backend.demo.activity import ACTIVITY_TABLES, build_activity
from backend.demo.history import build_history
from backend.demo.integrations import INTEGRATION_TABLES, build_integrations
from backend.demo.sales import ACCOUNT_EXTRA, SALES_TABLES, build_sales

EMAIL_DOMAIN = "fieldline.test"
SHANGHAI = timezone(timedelta(hours=8))
MAX_RADIUS_KM = 30.0
WEST_LNG, EAST_LNG = 121.2, 121.75  # west: towards Dianshan Lake; east: the coast
KM_PER_DEG = 111.32
DEVICE_JITTER_M = 200.0

GRADE_WEIGHTS = {"company": (15, 35, 50), "person": (3, 22, 75)}
VIP_CHANCE = {"A": 0.22, "B": 0.035, "C": 0.01}
DEVICE_WEIGHT = {"A": 10.0, "B": 5.0, "C": 2.5, "person": 1.0}

Row = tuple[Any, ...]
DemoPlan = dict[str, list[Row]]  # rows under the plan keys of TABLES

# What the loader writes: (plan key, table, columns, {column position: plan key it refers to}).
# In a DemoPlan a foreign key is a position in the referred list; the loader turns it into an id.
# fmt: off
TABLES: tuple[tuple[str, str, tuple[str, ...], dict[int, str]], ...] = (
    ("users", "app_user", ("name", "email", "phone", "role", "locale", "skills", "home_lat",
                           "home_lng", "duty_status", "last_lat", "last_lng", "last_seen_at",
                           "password_hash"), {}),
    ("products", "product", ("sku", "name", "category", "required_skill", "warranty_months"), {}),
    ("parts", "part", ("sku", "name", "price"), {}),
    ("accounts", "account", ("name", "name_key", "phone", "phone_key", "grade", "vip", "owner",
                             "address", "lat", "lng", "source", "last_contacted_at",
                             *ACCOUNT_EXTRA),
     {6: "users"}),
    ("contacts", "contact", ("account", "name", "title", "phone", "email", "decision_maker"),
     {0: "accounts"}),
    ("stock", "stock", ("part", "engineer", "qty"), {0: "parts", 1: "users"}),
    ("devices", "device", ("account", "product", "serial", "installed_on", "warranty_until",
                           "lat", "lng", "qr_token"), {0: "accounts", 1: "products"}),
    # The history (backend/demo/history.py): jobs with their events, parts and ratings; visits.
    ("work_orders", "work_order", ("device", "account", "product", "source", "reporter_name",
                                   "reporter_phone", "description", "priority", "status",
                                   "engineer", "distance_km", "lat", "lng", "offered_at",
                                   "offer_expires_at", "respond_by", "resolve_by", "accepted_at",
                                   "arrived_at", "completed_at", "resolution", "created_by",
                                   "created_at", "updated_at"),
     {0: "devices", 1: "accounts", 2: "products", 9: "users"}),
    ("events", "work_order_event", ("work_order", "at", "kind", "from_status", "to_status",
                                    "actor", "actor_kind", "engineer", "lat", "lng"),
     {0: "work_orders", 5: "users", 7: "users"}),
    ("part_usage", "part_usage", ("work_order", "part", "qty"), {0: "work_orders", 1: "parts"}),
    ("ratings", "rating", ("work_order", "score", "comment", "at", "needs_follow_up"),
     {0: "work_orders"}),
    ("visits", "visit", ("rep", "account", "planned_at", "checkin_at", "checkin_lat",
                         "checkin_lng", "checkin_accuracy", "checkin_distance_m", "on_site",
                         "checkout_at", "notes", "outcome", "next_step", "created_at"),
     {0: "users", 1: "accounts"}),
    ("pings", "location_ping", ("user", "at", "lat", "lng", "accuracy"), {0: "users"}),
    *SALES_TABLES,  # backend/demo/sales.py
    *ACTIVITY_TABLES,  # backend/demo/activity.py
    *INTEGRATION_TABLES,  # backend/demo/integrations.py
)
# fmt: on
NO_PROFILE = ((), None, None, "off_duty", None, None, None)  # users other than engineers


@dataclass(frozen=True)
class Person:
    name: str
    first: str  # in Latin letters, for e-mail addresses
    last: str


def demo_email(role: str, number: int = 0) -> str:
    prefix = "eng" if role == "engineer" else role
    return f"{prefix}{number:02d}@{EMAIL_DOMAIN}" if number else f"{prefix}@{EMAIL_DOMAIN}"


def km_from_centre(lat: float, lng: float) -> float:
    dy = (lat - names.CENTRE[0]) * KM_PER_DEG
    dx = (lng - names.CENTRE[1]) * KM_PER_DEG * math.cos(math.radians(names.CENTRE[0]))
    return math.hypot(dx, dy)


class _Builder:
    """Draws every value from one seeded Random, always in the same order."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()  # UTC, the service's rule for "not in the future"
        self.name_keys: set[str] = set()
        self.phone_keys: set[str] = set()
        self.user_names: set[str] = set()

    # --- small draws ---------------------------------------------------------------------------

    def person(self, chinese: bool) -> Person:
        rng = self.rng
        if chinese:
            surname, surname_latin = rng.choice(names.SURNAMES)
            given, given_latin = rng.choice(names.GIVEN_NAMES)
            return Person(surname + given, given_latin, surname_latin)
        first = rng.choice(names.ENGLISH_FIRST)
        # Many Shanghai professionals use an English first name with their Chinese surname.
        if rng.random() < 0.5:
            last = rng.choice(names.ENGLISH_LAST)
        else:
            last = rng.choice(names.SURNAMES)[1]
        return Person(f"{first} {last}", first, last)

    def mobile(self) -> str:
        return f"+86 {self.rng.choice(names.MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"021-{self.rng.choice('23456')}{self.rng.randrange(10**7):07d}"

    def unique_phone(self, draw: Callable[[], str]) -> tuple[str, str]:
        while True:
            phone = draw()
            key = normalise_phone(phone)
            if key and key not in self.phone_keys:
                self.phone_keys.add(key)
                return phone, key

    def area(self) -> names.Area:
        return self.rng.choices(names.AREAS, weights=[a.weight for a in names.AREAS])[0]

    def position(self, area: names.Area) -> tuple[float, float]:
        """A point around the area's centre, inside the metro and on the land side."""
        while True:
            dx, dy = self.rng.gauss(0, area.spread_km), self.rng.gauss(0, area.spread_km)
            lat = area.lat + dy / KM_PER_DEG
            lng = area.lng + dx / (KM_PER_DEG * math.cos(math.radians(area.lat)))
            if (
                math.hypot(dx, dy) <= 2.5 * area.spread_km
                and WEST_LNG <= lng <= EAST_LNG
                and km_from_centre(lat, lng) <= MAX_RADIUS_KM
            ):
                return round(lat, 6), round(lng, 6)

    def near(self, lat: float, lng: float, metres: float) -> tuple[float, float]:
        """A point drawn uniformly from the disc of that radius around (lat, lng)."""
        km = metres * math.sqrt(self.rng.random()) / 1000
        angle = self.rng.uniform(0, 2 * math.pi)
        lat2 = lat + km * math.sin(angle) / KM_PER_DEG
        lng2 = lng + km * math.cos(angle) / (KM_PER_DEG * math.cos(math.radians(lat)))
        return round(lat2, 6), round(lng2, 6)

    def address(self, area: names.Area, chinese: bool, home: bool) -> str:
        rng = self.rng
        street_zh, street_en = rng.choice(area.streets)
        number = rng.randint(1, 1999)
        if home:
            lane, room = rng.randint(1, 1500), rng.randint(1, 32) * 100 + rng.randint(1, 6)
            if chinese:
                return f"上海市{area.district_zh}{street_zh}{lane}弄{number % 80 + 1}号{room}室"
            return (
                f"Room {room}, No. {number % 80 + 1}, Lane {lane} {street_en}, "
                f"{area.district_en}, Shanghai"
            )
        suite = f"{rng.randint(1, 35)}{rng.randint(1, 20):02d}" if rng.random() < 0.6 else ""
        if chinese:
            return f"上海市{area.district_zh}{street_zh}{number}号" + (suite and f"{suite}室")
        where = f"{number} {street_en}, {area.district_en}, Shanghai"
        return f"Suite {suite}, {where}" if suite else where

    def past_moment(self, max_days: int) -> datetime:
        """A working-hours moment (Shanghai time) of the last max_days days, in UTC."""
        days_ago = timedelta(days=self.rng.randint(0, max_days - 1))
        day = self.now.astimezone(SHANGHAI).date() - days_ago
        at = datetime.combine(day, time(self.rng.randint(9, 17), self.rng.randrange(60)), SHANGHAI)
        return (at - timedelta(days=1) if at > self.now else at).astimezone(UTC)

    # --- staff ---------------------------------------------------------------------------------

    def user(self, role: str, number: int = 0) -> Row:
        """Name, email, phone, role, locale: the columns every user has."""
        chinese = self.rng.random() < 0.8
        person = self.person(chinese)
        while person.name in self.user_names:
            person = self.person(chinese)
        self.user_names.add(person.name)
        locale = "zh-CN" if chinese and self.rng.random() < 0.75 else "en"
        return (person.name, demo_email(role, number), self.mobile(), role, locale)

    def engineer_profile(self, number: int) -> Row:
        """Skills, home base, duty status and last position; the first six cover every skill."""
        rng = self.rng
        skills = [names.SKILLS[number - 1] if number <= len(names.SKILLS) else self.skill()]
        for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
            if (extra := self.skill()) not in skills:
                skills.append(extra)
        home_lat, home_lng = self.position(self.area())
        if rng.random() < 0.8:
            return (skills, home_lat, home_lng, "off_duty", None, None, None)
        # A few are already on shift, somewhere near home.
        last_lat, last_lng = self.near(home_lat, home_lng, 3000)
        seen = self.now - timedelta(seconds=rng.randint(10, 300))
        return (skills, home_lat, home_lng, "available", last_lat, last_lng, seen)

    def skill(self) -> str:
        return self.rng.choices(names.SKILLS, weights=names.SKILL_WEIGHTS)[0]

    # --- customers -----------------------------------------------------------------------------

    def account_name(self, kind: str, area: names.Area) -> tuple[str, str | None]:
        """A name whose normalised key no other demo account has, and its e-mail domain."""
        rng = self.rng
        for attempt in range(300):
            domain = None
            if kind == "person":
                name = self.person(rng.random() < 0.85).name
            else:
                industry_zh, industry_en, slug = rng.choice(names.INDUSTRIES)
                if kind == "zh":
                    brand, latin = rng.choice(names.BRANDS_ZH)
                    name = rng.choice(names.COMPANY_FORMS_ZH).format(b=brand, i=industry_zh)
                else:
                    brand = latin = rng.choice(names.BRANDS_EN)
                    name = rng.choice(names.COMPANY_FORMS_EN).format(b=brand, i=industry_en)
                domain = f"{latin.lower().replace(' ', '')}-{slug}.example.com"
                if attempt >= 100:  # the plain names are used up: open branch offices
                    short = area.district_zh.removesuffix("新区").removesuffix("区")
                    branch = area.district_en.split()[0]
                    name += f"{short}分公司" if kind == "zh" else f" {branch} Branch"
            key = normalise_name(name)
            if key not in self.name_keys:
                self.name_keys.add(key)
                return name, domain
        raise ValueError("the demo word lists cannot make that many distinct account names")

    def account(self, rep_count: int) -> tuple[Row, str, str | None]:
        """An account row (owner: a rep's number), its kind (zh, en, person), its domain."""
        rng = self.rng
        kind = rng.choices(("zh", "en", "person"), weights=(55, 35, 10))[0]
        area = self.area()
        name, domain = self.account_name(kind, area)
        chinese = not name.isascii()
        grade = rng.choices("ABC", weights=GRADE_WEIGHTS["person" if not domain else "company"])[0]
        vip = rng.random() < VIP_CHANCE[grade]
        phone, phone_key = self.unique_phone(self.mobile if kind == "person" else self.landline)
        lat, lng = self.position(area)
        in_chinese = chinese if rng.random() < 0.85 else not chinese
        address = self.address(area, in_chinese, home=kind == "person")
        owner = None
        if rep_count and rng.random() < 0.7:
            # Reps work territories: an account mostly belongs to the rep of its area.
            territory = names.AREAS.index(area) % rep_count
            owner = territory if rng.random() < 0.8 else rng.randrange(rep_count)
        source = rng.choices(names.SOURCES, weights=names.SOURCE_WEIGHTS)[0]
        recent = rng.random() < (0.8 if owner is not None else 0.25)
        contacted = self.past_moment(60) if recent else None
        key = normalise_name(name)
        row = (name, key, phone, phone_key, grade, vip, owner, address, lat, lng, source, contacted)
        return row, kind, domain

    def contacts(self, account: int, row: Row, kind: str, domain: str | None) -> list[Row]:
        """1-3 people to talk to; the first one decides."""
        rng = self.rng
        chinese = not row[0].isascii()
        rows: list[Row] = []
        if kind == "person":
            rows.append((account, row[0], None, row[2], None, True))
            if rng.random() < 0.25:  # a family member who also calls about the boiler
                rows.append((account, self.person(chinese).name, None, self.mobile(), None, False))
            return rows
        seen: set[str] = set()
        for i in range(rng.choices((1, 2, 3), weights=(35, 40, 25))[0]):
            person = self.person(chinese if rng.random() < 0.9 else not chinese)
            if person.name in seen:
                continue
            seen.add(person.name)
            title = rng.choice(names.TITLES[chinese][0 if i == 0 else 1])
            email = f"{person.first}.{person.last}@{domain}".lower()
            email_or_none = email if rng.random() < 0.85 else None
            rows.append((account, person.name, title, self.mobile(), email_or_none, i == 0))
        return rows

    def devices(self, count: int, accounts: list[Row], kinds: list[str]) -> list[Row]:
        """Devices spread over accounts by grade; homes only get residential products."""
        rng = self.rng
        if not count:
            return []
        weights = [
            DEVICE_WEIGHT["person" if kind == "person" else row[4]]
            for row, kind in zip(accounts, kinds, strict=True)
        ]
        every = list(range(len(names.PRODUCTS)))
        residential = [i for i in every if names.PRODUCTS[i].residential]
        serials: set[tuple[int, str]] = set()
        rows = []
        for account in rng.choices(range(len(accounts)), weights=weights, k=count):
            candidates = residential if kinds[account] == "person" else every
            weights_p = [names.PRODUCTS[i].weight for i in candidates]
            product = rng.choices(candidates, weights=weights_p)[0]
            spec = names.PRODUCTS[product]
            serial = ""
            while not serial or (product, serial) in serials:
                serial = f"{spec.serial_prefix}{rng.randrange(10**7):07d}"
            serials.add((product, serial))
            installed = self.today - timedelta(days=rng.randint(0, 5 * 365 - 1))
            until = warranty_end(installed, spec.warranty_months)
            lat, lng = self.near(accounts[account][8], accounts[account][9], DEVICE_JITTER_M)
            rows.append((account, product, serial, installed, until, lat, lng))
        return rows

    def stock(self, vans: list[tuple[int, list[str]]]) -> list[Row]:
        """The warehouse holds every part; each van 5-15 parts, mostly of its engineer's trades."""
        rng = self.rng
        rows: list[Row] = [
            (part, None, rng.randint(10, 120) if Decimal(p.price) < 500 else rng.randint(2, 30))
            for part, p in enumerate(names.PARTS)
        ]
        every = list(range(len(names.PARTS)))
        for user, skills in vans:
            trade = [i for i in every if names.PARTS[i].skill in (*skills, "general")]
            held: list[int] = []
            size = rng.randint(5, 15)
            while len(held) < size:
                part = rng.choice(trade if rng.random() < 0.85 else every)
                if part not in held:
                    held.append(part)
            rows += [(part, user, rng.randint(1, 6)) for part in held]
        return rows


def build_plan(
    seed: int, *, accounts: int, devices: int, engineers: int, reps: int, now: datetime
) -> DemoPlan:
    """The whole data set: the same seed on the same day gives the same rows.

    Password hashes and QR tokens, the last column of users and of devices, are left None:
    they must not come from the seed.
    """
    if min(accounts, devices, engineers, reps) < 0 or (devices and not accounts):
        raise ValueError("counts must not be negative, and devices need accounts")
    b = _Builder(seed, now)
    plan: DemoPlan = {key: [] for key, *_ in TABLES}
    users = plan["users"]
    users += [(*b.user(role), *NO_PROFILE, None) for role in ("admin", "supervisor")]
    users += [(*b.user("rep", i), *NO_PROFILE, None) for i in range(1, reps + 1)]
    vans = []
    for i in range(1, engineers + 1):
        users.append((*b.user("engineer", i), *b.engineer_profile(i), None))
        vans.append((len(users) - 1, users[-1][5]))
    plan["products"] = [
        (p.sku, p.name, p.category, p.skill, p.warranty_months) for p in names.PRODUCTS
    ]
    plan["parts"] = [(p.sku, p.name, Decimal(p.price)) for p in names.PARTS]
    kinds = []
    for i in range(accounts):
        row, kind, domain = b.account(reps)
        if row[6] is not None:  # the rep's number → the rep's place in users (after 2 others)
            row = (*row[:6], 2 + row[6], *row[7:])
        plan["accounts"].append(row)
        kinds.append(kind)
        plan["contacts"] += b.contacts(i, row, kind, domain)
    plan["devices"] = [(*row, None) for row in b.devices(devices, plan["accounts"], kinds)]
    plan["stock"] = b.stock(vans)
    build_history(b.rng, now, plan)
    build_sales(b, plan, leads=accounts * 4 // 5, opportunities=accounts * 3 // 5)
    build_activity(plan, now)
    build_integrations(plan, now)
    return plan
