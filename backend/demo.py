"""`fieldline demo`: a realistic, reproducible Shanghai data set of staff, customers and devices."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from time import perf_counter
from typing import Any

import asyncpg

from backend import db
from backend.customers.dedupe import normalise_name, normalise_phone
from backend.customers.qr import new_token
from backend.customers.service import warranty_end
from backend.demo_names import (
    AREAS,
    BRANDS_EN,
    BRANDS_ZH,
    CENTRE,
    COMPANY_FORMS_EN,
    COMPANY_FORMS_ZH,
    DECISION_TITLES_EN,
    DECISION_TITLES_ZH,
    ENGLISH_FIRST,
    ENGLISH_LAST,
    GIVEN_NAMES,
    INDUSTRIES,
    MOBILE_PREFIXES,
    OTHER_TITLES_EN,
    OTHER_TITLES_ZH,
    PARTS,
    PRODUCTS,
    SKILL_WEIGHTS,
    SKILLS,
    SOURCE_WEIGHTS,
    SOURCES,
    SURNAMES,
    Area,
)
from backend.staff.service import hash_password

DEMO_PASSWORD = "fieldline-demo"
EMAIL_DOMAIN = "fieldline.test"
SHANGHAI = timezone(timedelta(hours=8))
MAX_RADIUS_KM = 30.0
WEST_LNG, EAST_LNG = 121.2, 121.75  # west: Dianshan Lake side; east: the coast
KM_PER_DEG = 111.32
DEVICE_JITTER_M = 200.0

Row = tuple[Any, ...]

# Column order of the rows in a DemoPlan (foreign keys there are list positions, not ids).
USER_COLUMNS = (
    "name",
    "email",
    "phone",
    "role",
    "locale",
    "skills",
    "home_lat",
    "home_lng",
    "duty_status",
    "last_lat",
    "last_lng",
    "last_seen_at",
)
ACCOUNT_COLUMNS = (
    "name",
    "name_key",
    "phone",
    "phone_key",
    "grade",
    "vip",
    "owner",
    "address",
    "lat",
    "lng",
    "source",
    "last_contacted_at",
)
CONTACT_COLUMNS = ("account", "name", "title", "phone", "email", "decision_maker")
STOCK_COLUMNS = ("part", "engineer", "qty")
DEVICE_COLUMNS = ("account", "product", "serial", "installed_on", "warranty_until", "lat", "lng")

GRADE_WEIGHTS = {"company": (15, 35, 50), "person": (3, 22, 75)}
VIP_CHANCE = {"A": 0.22, "B": 0.035, "C": 0.01}
DEVICE_WEIGHT = {"A": 10.0, "B": 5.0, "C": 2.5}  # a person's home counts 1


class DemoRefused(Exception):
    """The database already holds data: a demo load would mix with it or double it."""


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    users: int
    reps: int
    engineers: int
    accounts: int
    contacts: int
    products: int
    parts: int
    stock: int
    devices: int
    seconds: float
    logins: list[tuple[str, str, str]]


@dataclass
class DemoPlan:
    """Everything the seed decides, before ids and QR tokens exist."""

    users: list[Row] = field(default_factory=list)
    accounts: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    devices: list[Row] = field(default_factory=list)
    stock: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    name: str
    first: str  # Latin, for e-mail addresses
    last: str
    chinese: bool


def demo_email(role: str, number: int = 0) -> str:
    prefix = {"rep": "rep", "engineer": "eng"}.get(role, role)
    return f"{prefix}{number:02d}@{EMAIL_DOMAIN}" if number else f"{prefix}@{EMAIL_DOMAIN}"


def demo_logins(reps: int = 1, engineers: int = 1) -> list[tuple[str, str, str]]:
    """(role, email, password) to sign in with: admin, supervisor, then reps and engineers."""
    logins = [
        ("admin", demo_email("admin"), DEMO_PASSWORD),
        ("supervisor", demo_email("supervisor"), DEMO_PASSWORD),
    ]
    logins += [("rep", demo_email("rep", i), DEMO_PASSWORD) for i in range(1, reps + 1)]
    logins += [
        ("engineer", demo_email("engineer", i), DEMO_PASSWORD) for i in range(1, engineers + 1)
    ]
    return logins


def km_from_centre(lat: float, lng: float) -> float:
    dy = (lat - CENTRE[0]) * KM_PER_DEG
    dx = (lng - CENTRE[1]) * KM_PER_DEG * math.cos(math.radians(CENTRE[0]))
    return math.hypot(dx, dy)


class _Builder:
    """Draws every value from one seeded Random, in a fixed order."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.astimezone(SHANGHAI).date()
        self.name_keys: set[str] = set()
        self.phone_keys: set[str] = set()
        self.user_names: set[str] = set()
        self.area_weights = [a.weight for a in AREAS]

    # --- small draws ---------------------------------------------------------------------------

    def person(self, chinese: bool) -> Person:
        rng = self.rng
        if chinese:
            (sur, sur_latin), (given, given_latin) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            return Person(sur + given, given_latin, sur_latin, True)
        first = rng.choice(ENGLISH_FIRST)
        # Many Shanghai professionals go by an English first name with a Chinese surname.
        last = rng.choice(ENGLISH_LAST) if rng.random() < 0.5 else rng.choice(SURNAMES)[1]
        return Person(f"{first} {last}", first, last, False)

    def mobile(self) -> str:
        return f"+86 {self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"021-{self.rng.choice('23456')}{self.rng.randrange(10**7):07d}"

    def area(self) -> Area:
        return self.rng.choices(AREAS, weights=self.area_weights)[0]

    def position(self, area: Area) -> tuple[float, float]:
        """A point around the area's centre, inside the metro and on the land side."""
        while True:
            dx, dy = self.rng.gauss(0, area.spread_km), self.rng.gauss(0, area.spread_km)
            if math.hypot(dx, dy) > 2.5 * area.spread_km:
                continue
            lat = area.lat + dy / KM_PER_DEG
            lng = area.lng + dx / (KM_PER_DEG * math.cos(math.radians(area.lat)))
            if WEST_LNG <= lng <= EAST_LNG and km_from_centre(lat, lng) <= MAX_RADIUS_KM:
                return round(lat, 6), round(lng, 6)

    def near(self, lat: float, lng: float, metres: float) -> tuple[float, float]:
        """A point uniformly inside the disc of the given radius around (lat, lng)."""
        r = metres * math.sqrt(self.rng.random()) / 1000
        angle = self.rng.uniform(0, 2 * math.pi)
        lat2 = lat + r * math.sin(angle) / KM_PER_DEG
        lng2 = lng + r * math.cos(angle) / (KM_PER_DEG * math.cos(math.radians(lat)))
        return round(lat2, 6), round(lng2, 6)

    def address(self, area: Area, chinese: bool, home: bool) -> str:
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
        suite = rng.randint(1, 35) * 100 + rng.randint(1, 20) if rng.random() < 0.6 else None
        if chinese:
            return f"上海市{area.district_zh}{street_zh}{number}号" + (
                f"{suite}室" if suite else ""
            )
        where = f"{number} {street_en}, {area.district_en}, Shanghai"
        return f"Suite {suite}, {where}" if suite else where

    def past_moment(self, max_days: int) -> datetime:
        """A working-hours moment (Shanghai time) in the last max_days days, stored as UTC."""
        day = self.today - timedelta(days=self.rng.randint(0, max_days - 1))
        at = datetime.combine(day, time(self.rng.randint(9, 17), self.rng.randrange(60)), SHANGHAI)
        if at > self.now:
            at -= timedelta(days=1)
        return at.astimezone(UTC)

    def unique_phone(self, draw: Callable[[], str]) -> tuple[str, str]:
        while True:
            phone = draw()
            key = normalise_phone(phone)
            if key and key not in self.phone_keys:
                self.phone_keys.add(key)
                return phone, key

    # --- users ---------------------------------------------------------------------------------

    def user(self, role: str, number: int = 0) -> tuple[Person, Row]:
        chinese = self.rng.random() < 0.8
        person = self.person(chinese)
        while person.name in self.user_names:
            person = self.person(chinese)
        self.user_names.add(person.name)
        locale = "zh-CN" if chinese and self.rng.random() < 0.75 else "en"
        row: Row = (
            person.name,
            demo_email(role, number),
            self.mobile(),
            role,
            locale,
            [],
            None,
            None,
            "off_duty",
            None,
            None,
            None,
        )
        return person, row

    def engineer(self, number: int) -> Row:
        _, row = self.user("engineer", number)
        rng = self.rng
        primary = (
            SKILLS[number - 1]
            if number <= len(SKILLS)
            else rng.choices(SKILLS, weights=SKILL_WEIGHTS)[0]
        )
        skills = [primary]
        for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
            extra = rng.choices(SKILLS, weights=SKILL_WEIGHTS)[0]
            if extra not in skills:
                skills.append(extra)
        home_lat, home_lng = self.position(self.area())
        last_lat = last_lng = last_seen = None
        duty = "off_duty"
        if rng.random() < 0.2:  # a few are already on shift, near home
            duty = "available"
            last_lat, last_lng = self.near(home_lat, home_lng, 3000)
            last_seen = self.now - timedelta(seconds=rng.randint(10, 300))
        return (*row[:5], skills, home_lat, home_lng, duty, last_lat, last_lng, last_seen)

    # --- customers -----------------------------------------------------------------------------

    def account_name(self, kind: str, area: Area) -> tuple[str, str | None]:
        """A name whose normalised key no other demo account has, and its e-mail domain."""
        rng = self.rng
        for attempt in range(300):
            domain: str | None = None
            if kind == "person":
                name = self.person(rng.random() < 0.85).name
            else:
                industry_zh, industry_en, slug = rng.choice(INDUSTRIES)
                if kind == "zh":
                    brand, latin = rng.choice(BRANDS_ZH)
                    name = rng.choice(COMPANY_FORMS_ZH).format(b=brand, i=industry_zh)
                else:
                    brand = latin = rng.choice(BRANDS_EN)
                    name = rng.choice(COMPANY_FORMS_EN).format(b=brand, i=industry_en)
                domain = f"{latin.lower().replace(' ', '')}-{slug}.example.com"
                if attempt >= 100:  # the plain names are used up: open branch offices
                    district = area.district_zh.removesuffix("新区").removesuffix("区")
                    name += (
                        f"{district}分公司"
                        if kind == "zh"
                        else f" {area.district_en.split()[0]} Branch"
                    )
            key = normalise_name(name)
            if key not in self.name_keys:
                self.name_keys.add(key)
                return name, domain
        raise ValueError("the demo word lists cannot make that many distinct account names")

    def account(self, rep_count: int) -> tuple[Row, str, str | None]:
        rng = self.rng
        kind = rng.choices(("zh", "en", "person"), weights=(55, 35, 10))[0]
        area = self.area()
        name, domain = self.account_name(kind, area)
        chinese = kind == "zh" or (kind == "person" and not name.isascii())
        grade = rng.choices(
            "ABC", weights=GRADE_WEIGHTS["person" if domain is None else "company"]
        )[0]
        vip = rng.random() < VIP_CHANCE[grade]
        phone, phone_key = self.unique_phone(self.mobile if kind == "person" else self.landline)
        lat, lng = self.position(area)
        address = self.address(
            area, chinese if rng.random() < 0.85 else not chinese, home=kind == "person"
        )
        owner: int | None = None
        if rep_count and rng.random() < 0.7:
            # Reps work territories: an account mostly belongs to the rep of its area.
            territory = AREAS.index(area) % rep_count
            owner = territory if rng.random() < 0.8 else rng.randrange(rep_count)
        source = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
        contacted = None
        if rng.random() < (0.8 if owner is not None else 0.25):
            contacted = self.past_moment(60)
        row = (
            name,
            normalise_name(name),
            phone,
            phone_key,
            grade,
            vip,
            owner,
            address,
            lat,
            lng,
            source,
            contacted,
        )
        return row, kind, domain

    def contacts(self, account: int, row: Row, kind: str, domain: str | None) -> list[Row]:
        rng = self.rng
        if kind == "person":
            rows: list[Row] = [(account, row[0], None, row[2], None, True)]
            if rng.random() < 0.25:  # a family member who also calls about the boiler
                other = self.person(not row[0].isascii())
                rows.append((account, other.name, None, self.mobile(), None, False))
            return rows
        chinese = kind == "zh"
        rows, seen = [], set[str]()
        for i in range(rng.choices((1, 2, 3), weights=(35, 40, 25))[0]):
            person = self.person(chinese if rng.random() < 0.9 else not chinese)
            if person.name in seen:
                continue
            seen.add(person.name)
            titles = (
                (DECISION_TITLES_ZH if chinese else DECISION_TITLES_EN)
                if i == 0
                else (OTHER_TITLES_ZH if chinese else OTHER_TITLES_EN)
            )
            email = f"{person.first}.{person.last}@{domain}".lower()
            rows.append(
                (
                    account,
                    person.name,
                    rng.choice(titles),
                    self.mobile(),
                    email if rng.random() < 0.85 else None,
                    i == 0,
                )
            )
        return rows

    def devices(self, count: int, accounts: list[Row], kinds: list[str]) -> list[Row]:
        rng = self.rng
        weights = [
            1.0 if kind == "person" else DEVICE_WEIGHT[row[4]]
            for row, kind in zip(accounts, kinds, strict=True)
        ]
        every = list(range(len(PRODUCTS)))
        everyday = [i for i in every if PRODUCTS[i].residential]
        serials: set[tuple[int, str]] = set()
        rows = []
        for account in rng.choices(range(len(accounts)), weights=weights, k=count):
            choices = everyday if kinds[account] == "person" else every
            product = rng.choices(choices, weights=[PRODUCTS[i].weight for i in choices])[0]
            spec = PRODUCTS[product]
            serial = f"{spec.serial_prefix}{rng.randrange(10**7):07d}"
            while (product, serial) in serials:
                serial = f"{spec.serial_prefix}{rng.randrange(10**7):07d}"
            serials.add((product, serial))
            installed: date = self.today - timedelta(days=rng.randint(0, 5 * 365 - 1))
            lat, lng = self.near(accounts[account][8], accounts[account][9], DEVICE_JITTER_M)
            rows.append(
                (
                    account,
                    product,
                    serial,
                    installed,
                    warranty_end(installed, spec.warranty_months),
                    lat,
                    lng,
                )
            )
        return rows

    def stock(self, engineers: list[tuple[int, list[str]]]) -> list[Row]:
        """Warehouse stock of every part, then 5-15 parts per van, mostly of the van's trades."""
        rng = self.rng
        rows: list[Row] = [
            (part, None, rng.randint(10, 120) if Decimal(p.price) < 500 else rng.randint(2, 30))
            for part, p in enumerate(PARTS)
        ]
        every = list(range(len(PARTS)))
        for user, skills in engineers:
            trade = [i for i, p in enumerate(PARTS) if p.skill in skills or p.skill == "general"]
            held: list[int] = []
            for _ in range(rng.randint(5, 15)):
                pool = trade if rng.random() < 0.85 else every
                part = rng.choice(pool)
                if part not in held:
                    held.append(part)
            rows += [(part, user, rng.randint(1, 6)) for part in held]
        return rows


def build_plan(
    seed: int, *, accounts: int, devices: int, engineers: int, reps: int, now: datetime
) -> DemoPlan:
    """The whole data set as rows; the same seed (on the same day) gives the same rows."""
    if min(accounts, devices, engineers, reps) < 0 or (devices and not accounts):
        raise ValueError("counts must not be negative, and devices need accounts")
    b = _Builder(seed, now)
    plan = DemoPlan()
    plan.users.append(b.user("admin")[1])
    plan.users.append(b.user("supervisor")[1])
    rep_index = [len(plan.users) + i for i in range(reps)]
    plan.users += [b.user("rep", i)[1] for i in range(1, reps + 1)]
    van_holders = []
    for i in range(1, engineers + 1):
        plan.users.append(b.engineer(i))
        van_holders.append((len(plan.users) - 1, plan.users[-1][5]))
    kinds = []
    for i in range(accounts):
        row, kind, domain = b.account(reps)
        if row[6] is not None:
            row = (*row[:6], rep_index[row[6]], *row[7:])
        plan.accounts.append(row)
        kinds.append(kind)
        plan.contacts += b.contacts(i, row, kind, domain)
    plan.devices = b.devices(devices, plan.accounts, kinds)
    plan.stock = b.stock(van_holders)
    return plan


def _resolve(rows: list[Row], keys: dict[int, list[int]]) -> list[Row]:
    """Replace list positions by database ids in the given columns."""
    resolved = []
    for row in rows:
        values = list(row)
        for column, ids in keys.items():
            if values[column] is not None:
                values[column] = ids[values[column]]
        resolved.append(tuple(values))
    return resolved


async def _insert(
    conn: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: list[Row]
) -> list[int]:
    """COPY rows in with ids taken from the table's sequence first, so they can be referenced."""
    ids = [
        r[0]
        for r in await conn.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2) ORDER BY 1",
            table,
            len(rows),
        )
    ]
    if rows:
        await conn.copy_records_to_table(
            table,
            columns=["id", *columns],
            records=[(i, *row) for i, row in zip(ids, rows, strict=True)],
        )
    return ids


async def _refuse_if_not_empty(conn: asyncpg.Connection) -> None:
    for table in ("app_user", "account", "product", "part"):
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            what = "users" if table == "app_user" else f"{table} rows"
            raise DemoRefused(
                f"the database already has {what}; the demo loads only into an "
                "empty database (create a new one, or drop this one first)"
            )


async def load_demo(
    seed: int = 7, *, accounts: int = 500, devices: int = 2000, engineers: int = 40, reps: int = 15
) -> DemoSummary:
    """Fill an empty database with the demo data set, in one transaction."""
    started = perf_counter()
    async with db.connection() as conn:
        await _refuse_if_not_empty(conn)  # before the slow password hash
    plan = build_plan(
        seed,
        accounts=accounts,
        devices=devices,
        engineers=engineers,
        reps=reps,
        now=datetime.now(UTC),
    )
    password_hash = await hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    async with db.engine.transaction(), db.connection() as conn:
        # Two demo loads (or a demo and a create-user) must not interleave.
        await conn.execute("LOCK TABLE app_user IN EXCLUSIVE MODE")
        await _refuse_if_not_empty(conn)
        users = await _insert(
            conn,
            "app_user",
            (*USER_COLUMNS, "password_hash"),
            [(*row, password_hash) for row in plan.users],
        )
        products = await _insert(
            conn,
            "product",
            ("sku", "name", "category", "required_skill", "warranty_months"),
            [(p.sku, p.name, p.category, p.skill, p.warranty_months) for p in PRODUCTS],
        )
        parts = await _insert(
            conn,
            "part",
            ("sku", "name", "price"),
            [(p.sku, p.name, Decimal(p.price)) for p in PARTS],
        )
        accounts_ids = await _insert(
            conn, "account", ACCOUNT_COLUMNS, _resolve(plan.accounts, {6: users})
        )
        await _insert(conn, "contact", CONTACT_COLUMNS, _resolve(plan.contacts, {0: accounts_ids}))
        await _insert(conn, "stock", STOCK_COLUMNS, _resolve(plan.stock, {0: parts, 1: users}))
        await _insert(
            conn,
            "device",
            (*DEVICE_COLUMNS, "qr_token"),
            [(*row, new_token()) for row in _resolve(plan.devices, {0: accounts_ids, 1: products})],
        )
    return DemoSummary(
        seed=seed,
        users=len(plan.users),
        reps=reps,
        engineers=engineers,
        accounts=len(plan.accounts),
        contacts=len(plan.contacts),
        products=len(PRODUCTS),
        parts=len(PARTS),
        stock=len(plan.stock),
        devices=len(plan.devices),
        seconds=round(perf_counter() - started, 2),
        logins=demo_logins(min(reps, 1), min(engineers, 1)),
    )
