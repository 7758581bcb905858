"""One frozen Settings object, read from the environment once."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
# What the browser gets: templates, static files, translations, npm libraries.
PWA = ROOT / "pwa"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _zone(name: str, default: str) -> str:
    """An IANA zone name, checked now: a typo must stop the start, not fail every request."""
    zone = os.environ.get(name) or default
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name}={zone!r} is not a known time zone") from exc
    return zone


def _contact_rule(name: str, default: str) -> dict[str, int]:
    """ "A=3,B=14" → {"A": 3, "B": 14}: days an account of the grade may go without contact."""
    rule: dict[str, int] = {}
    for item in (os.environ.get(name) or default).split(","):
        grade, _, days = (part.strip() for part in item.partition("="))
        if grade not in ("A", "B", "C") or not days.isdigit():
            raise ValueError(f"{name}: expected GRADE=DAYS, got {item!r}")
        rule[grade] = int(days)
    return rule


def _pair(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """ "respond,resolve" in hours, e.g. FIELDLINE_SLA_URGENT=2,8."""
    raw = os.environ.get(name)
    if not raw:
        return default
    respond, resolve = (int(part) for part in raw.split(","))
    return respond, resolve


Network = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _networks(name: str) -> Network:
    """ "10.0.0.5, 10.1.0.0/16, ::1" → networks; a typo stops the start (it would trust no one)."""
    found = []
    for item in (os.environ.get(name) or "").split(","):
        if item.strip():
            try:
                found.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"{name}: {item.strip()!r} is not an address or network") from exc
    return tuple(found)


def _list(name: str, default: str) -> tuple[str, ...]:
    raw = os.environ.get(name)
    return tuple(
        item.strip() for item in (default if raw is None else raw).split(",") if item.strip()
    )


# Web Push services of the browsers in use (Chrome/Edge via FCM, Firefox, Windows, Safari).
PUSH_HOSTS = (
    "fcm.googleapis.com",
    "*.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
)


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    # A streaming replica of database_url: boards and exports read there (docs/scaling.md).
    database_replica_url: str | None
    data_dir: Path
    base_url: str
    token_ttl: timedelta
    secure_cookies: bool
    login_max_failures: int
    login_window: timedelta
    # Distinct emails that may fail from one address in the window before it is refused.
    login_max_emails_per_address: int
    # Peers whose X-Forwarded-For is believed (backend/proxies.py); none by default.
    trusted_proxies: Network
    # URLs the server requests (backend/outbound.py): http allowed (development only); networks
    # and host names allowed anyway; the push services' hosts a push endpoint must be on.
    outbound_allow_http: bool
    outbound_allow: tuple[str, ...]
    push_hosts: tuple[str, ...]
    public_rate_limit: int
    public_rate_window: timedelta
    argon2_profile: str
    offer_timeout: timedelta
    position_max_age: timedelta
    # Hours to respond (engineer accepted) and to resolve (completed), per priority.
    sla_hours: dict[str, tuple[int, int]]
    # Field work: a check-in farther than this from the account is stored as off site.
    checkin_radius_m: int
    # Route drawing: simplification tolerance, and fixes less accurate than this are dropped.
    route_tolerance_m: int
    route_max_accuracy_m: int
    # The company's day: "today" and a route's date are days in this zone (times are stored UTC).
    business_timezone: str
    # Map tiles of the PWA's maps (Leaflet's {z}/{x}/{y} template); pages work without them.
    tile_url: str
    # Boards: a new job on the same device within this many days undoes a first-time fix;
    # grade → days an account may go without a contact; how often each worker offers to
    # refresh the rollups.
    repeat_days: int
    contact_rule: dict[str, int]
    board_refresh_seconds: int
    # Whether each worker runs the periodic jobs (backend/clock.py); off where something else
    # runs `fieldline clock --once` on a schedule, and in the tests' servers (tests run jobs).
    worker_clock: bool
    # Sales: the company's currency (ISO 4217), contracts at or above this amount need a
    # supervisor's approval, and an active contract this many days from its end raises a renewal.
    currency: str
    approval_threshold: int
    renewal_days: int


@cache
def get_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or None,
        database_replica_url=os.environ.get("DATABASE_REPLICA_URL") or None,
        data_dir=Path(os.environ.get("FIELDLINE_DATA_DIR", ROOT / ".data")),
        base_url=os.environ.get("FIELDLINE_BASE_URL", "http://localhost:8000").rstrip("/"),
        token_ttl=timedelta(hours=_int("FIELDLINE_TOKEN_HOURS", 12)),
        secure_cookies=os.environ.get("FIELDLINE_SECURE_COOKIES", "0") == "1",
        login_max_failures=_int("FIELDLINE_LOGIN_MAX_FAILURES", 5),
        login_window=timedelta(minutes=_int("FIELDLINE_LOGIN_WINDOW_MINUTES", 15)),
        login_max_emails_per_address=_int("FIELDLINE_LOGIN_MAX_EMAILS_PER_ADDRESS", 20),
        trusted_proxies=_networks("FIELDLINE_TRUSTED_PROXIES"),
        outbound_allow_http=os.environ.get("FIELDLINE_OUTBOUND_ALLOW_HTTP", "0") == "1",
        outbound_allow=_list("FIELDLINE_OUTBOUND_ALLOW", ""),
        push_hosts=_list("FIELDLINE_PUSH_HOSTS", ",".join(PUSH_HOSTS)),
        public_rate_limit=_int("FIELDLINE_PUBLIC_RATE_LIMIT", 120),
        public_rate_window=timedelta(seconds=_int("FIELDLINE_PUBLIC_RATE_WINDOW", 60)),
        # "test" picks argon2's cheapest parameters so the suite can create many users quickly.
        argon2_profile=os.environ.get("FIELDLINE_ARGON2_PROFILE", "default"),
        offer_timeout=timedelta(seconds=_int("FIELDLINE_OFFER_TIMEOUT_SECONDS", 300)),
        position_max_age=timedelta(minutes=_int("FIELDLINE_POSITION_MAX_AGE_MINUTES", 15)),
        sla_hours={
            "urgent": _pair("FIELDLINE_SLA_URGENT", (2, 8)),
            "high": _pair("FIELDLINE_SLA_HIGH", (4, 24)),
            "normal": _pair("FIELDLINE_SLA_NORMAL", (8, 48)),
        },
        checkin_radius_m=_int("FIELDLINE_CHECKIN_RADIUS_M", 200),
        route_tolerance_m=_int("FIELDLINE_ROUTE_TOLERANCE_M", 10),
        route_max_accuracy_m=_int("FIELDLINE_ROUTE_MAX_ACCURACY_M", 100),
        business_timezone=_zone("FIELDLINE_TIMEZONE", "Asia/Shanghai"),
        tile_url=os.environ.get("FIELDLINE_TILE_URL")
        or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        repeat_days=_int("FIELDLINE_FTF_DAYS", 30),
        contact_rule=_contact_rule("FIELDLINE_CONTACT_RULE", "A=3"),
        board_refresh_seconds=_int("FIELDLINE_BOARD_REFRESH_SECONDS", 300),
        worker_clock=os.environ.get("FIELDLINE_WORKER_CLOCK", "1") != "0",
        currency=(os.environ.get("FIELDLINE_CURRENCY") or "CNY").upper()[:3],
        approval_threshold=_int("FIELDLINE_APPROVAL_THRESHOLD", 100_000),
        renewal_days=_int("FIELDLINE_RENEWAL_DAYS", 60),
    )
