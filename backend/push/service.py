"""Web Push: the VAPID key pair, browsers' subscriptions, and encrypted sends in the background."""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import logging
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import asyncpg
import httpx
import jwt
import msgspec
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from webpush import WebPush, WebPushSubscription
from webpush.types import WebPushKeys
from webpush.vapid import VAPID

from backend import db, tasks
from backend.errors import Invalid, NotFound
from backend.outbound import OutboundRefused, check_url, guarded_client

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger("fieldline.push")
# A push endpoint URL is a bearer secret: httpx would log each one in full at INFO.
logging.getLogger("httpx").setLevel(logging.WARNING)

Urgency = Literal["very-low", "low", "normal", "high"]

DEFAULT_SUBJECT = "mailto:ops@fieldline.invalid"
JWT_LIFETIME = 12 * 3600  # RFC 8292 caps exp at 24 h; half of it leaves room for clock skew
DEFAULT_TTL = 24 * 3600  # how long a push service keeps a message for a device that is offline
# Push services take bodies up to 4096 bytes; aes128gcm adds 86 (header) + 1 (delimiter) + 16 (tag).
MAX_PAYLOAD = 4096 - 86 - 1 - 16
ATTEMPTS = 3
RETRY_DELAYS = (0.5, 2.0)  # seconds before the 2nd and 3rd attempt (tests set them to zero)
ATTEMPT_DEADLINE = 15.0  # a whole attempt, so a server dripping bytes cannot hold a send forever
_PRIVATE, _PUBLIC = "vapid_private_pem", "vapid_public_pem"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BASE64 = re.compile(r"[A-Za-z0-9_\-+/]+={0,2}")


# --- VAPID keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signer:
    """The server's VAPID identity: encrypts for a subscription and signs the Authorization."""

    private_pem: bytes
    public_key: str  # base64url of the uncompressed point
    subject: str
    webpush: WebPush

    def seal(self, endpoint: str, p256dh: str, auth: str, body: bytes) -> tuple[bytes, str]:
        """The aes128gcm body for one subscription, and its `vapid t=…, k=…` header."""
        keys = WebPushKeys(p256dh=p256dh, auth=auth)
        message = self.webpush.get(body, WebPushSubscription(endpoint=endpoint, keys=keys))
        # webpush 1.0.6 signs aud without the port and always prefixes sub with "mailto:", so
        # only its encryption is used; the JWT is made here.
        claims = {"aud": origin(endpoint), "exp": int(time.time()) + JWT_LIFETIME}
        token = jwt.encode({**claims, "sub": self.subject}, self.private_pem, algorithm="ES256")
        return message.encrypted, f"vapid t={token}, k={self.public_key}"


_signer: _Signer | None = None


def vapid_subject() -> str:
    subject = os.environ.get("FIELDLINE_VAPID_SUBJECT", DEFAULT_SUBJECT)
    if not subject.startswith(("mailto:", "https://")):
        raise ValueError(
            f"FIELDLINE_VAPID_SUBJECT must be a mailto: or https: URI, not {subject!r}"
        )
    return subject


async def _load_signer() -> _Signer:
    """The key pair from app_secret, made on the very first start."""
    private_pem, public_pem, _ = VAPID.generate_keys()
    # One statement for both rows: workers starting together cannot store halves of two pairs.
    await db.execute(
        """INSERT INTO app_secret (name, value, created_at) VALUES ($1, $2, now()), ($3, $4, now())
           ON CONFLICT (name) DO NOTHING""",
        _PRIVATE,
        private_pem.decode(),
        _PUBLIC,
        public_pem.decode(),
    )
    rows = await db.fetch(
        "SELECT name, value FROM app_secret WHERE name = ANY($1::text[])", [_PRIVATE, _PUBLIC]
    )
    stored = {r["name"]: r["value"].encode() for r in rows}
    private_key = load_pem_private_key(stored[_PRIVATE], password=None)
    public_key = VAPID.get_application_server_key(private_key.public_key())
    if public_key != VAPID.get_application_server_key(load_pem_public_key(stored[_PUBLIC])):
        raise RuntimeError(f"app_secret holds a {_PUBLIC} that does not match {_PRIVATE}")
    # The library signs its own JWT too (discarded, see seal), and insists on a subscriber.
    webpush = WebPush(private_key=stored[_PRIVATE], public_key=stored[_PUBLIC], subscriber="-")
    return _Signer(stored[_PRIVATE], public_key, vapid_subject(), webpush)


async def signer() -> _Signer:
    global _signer
    if _signer is None:
        _signer = await _load_signer()
    return _signer


async def vapid_public_key() -> str:
    """The application server key: base64url of the 65-byte uncompressed P-256 point."""
    return (await signer()).public_key


# --- subscriptions -------------------------------------------------------------------------------


def origin(url: str) -> str:
    """scheme://host[:port], the port only when not the scheme's default (the VAPID audience)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        netloc += f":{parts.port}"
    return f"{parts.scheme}://{netloc}"


async def check_endpoint(endpoint: str) -> None:
    """A push service's URL the server may POST to (backend/outbound.py), or 400 naming it."""
    try:
        await asyncio.to_thread(check_url, endpoint, purpose="push")
    except OutboundRefused as exc:
        raise Invalid("endpoint", str(exc)) from None


def _decode(value: str, field: str) -> bytes:
    """base64url with or without padding; browsers send it unpadded (standard base64 also read)."""
    if not _BASE64.fullmatch(value):
        raise Invalid(field, "must be base64url")
    bare = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    except binascii.Error:
        raise Invalid(field, "must be base64url") from None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """Both keys normalised to unpadded base64url, or Invalid naming the one that is wrong."""
    point = _decode(p256dh, "keys.p256dh")
    not_a_point = Invalid("keys.p256dh", "must be an uncompressed P-256 public key")
    if len(point) != 65:  # RFC 8291 mixes the 65-byte form into the key derivation
        raise not_a_point
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:  # not on the curve
        raise not_a_point from None
    secret = _decode(auth, "keys.auth")
    if len(secret) != 16:
        raise Invalid("keys.auth", "must be a 16-byte secret")
    return _encode(point), _encode(secret)


async def subscribe(
    endpoint: str,
    p256dh: str,
    auth: str,
    *,
    user_id: int | None = None,
    work_order_id: int | None = None,
) -> None:
    """Stores (or refreshes) a browser's subscription for a staff member or a followed request.

    One browser has one endpoint: a staff member who also follows a request keeps both. A
    staff subscribe replaces only the user (a shared tablet changes hands), a customer's only
    the work order (the last request followed wins).
    """
    if (user_id is None) == (work_order_id is None):
        raise ValueError("a subscription is either a user's or a work order's")
    p256dh, auth = _check_keys(p256dh, auth)
    await check_endpoint(endpoint)
    await db.execute(
        """INSERT INTO push_subscription (endpoint, p256dh, auth, "user", work_order, created_at)
           VALUES ($1, $2, $3, $4, $5, now())
           ON CONFLICT (endpoint) DO UPDATE SET
               p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
               "user" = COALESCE(EXCLUDED."user", push_subscription."user"),
               work_order = COALESCE(EXCLUDED.work_order, push_subscription.work_order)""",
        endpoint,
        p256dh,
        auth,
        user_id,
        work_order_id,
    )


async def unsubscribe(
    endpoint: str, *, user_id: int | None = None, work_order_id: int | None = None
) -> None:
    """Forgets a subscription: all of it, or only the given owner's part (NotFound if none)."""
    if user_id is None and work_order_id is None:
        await db.execute("DELETE FROM push_subscription WHERE endpoint = $1", endpoint)
        return
    if user_id is not None and work_order_id is not None:
        raise ValueError("unsubscribe one owner at a time")
    mine, other = ('"user"', "work_order") if user_id is not None else ("work_order", '"user"')
    owner = user_id if user_id is not None else work_order_id
    gone = await db.fetchval(
        f"DELETE FROM push_subscription WHERE endpoint = $1 AND {mine} = $2 AND {other} IS NULL"
        " RETURNING id",
        endpoint,
        owner,
    )
    if gone is None:
        kept = await db.fetchval(
            f"UPDATE push_subscription SET {mine} = NULL WHERE endpoint = $1 AND {mine} = $2"
            " RETURNING id",
            endpoint,
            owner,
        )
        if kept is None:
            raise NotFound("Push subscription not found")


# --- sending -------------------------------------------------------------------------------------


def notify_user(
    user_id: int, payload: dict[str, Any], *, urgency: Urgency = "normal", ttl: int = DEFAULT_TTL
) -> None:
    """Sends payload to every browser of a staff member, in the background; never raises."""
    _schedule('"user"', user_id, payload, urgency, ttl)


def notify_work_order(
    work_order_id: int,
    payload: dict[str, Any],
    *,
    urgency: Urgency = "normal",
    ttl: int = DEFAULT_TTL,
) -> None:
    """Sends payload to every customer following the work order, in the background."""
    _schedule("work_order", work_order_id, payload, urgency, ttl)


def _schedule(column: str, owner: int, payload: dict[str, Any], urgency: Urgency, ttl: int) -> None:
    try:
        body = msgspec.json.encode(payload)
    except Exception:
        log.exception("push to %s %s not scheduled", column.strip('"'), owner)
        return
    if len(body) > MAX_PAYLOAD:
        log.error("push payload of %d bytes is over %d; not sent", len(body), MAX_PAYLOAD)
        return
    # Once the change is committed: never news of a rolled-back change.
    send = functools.partial(_send_all, column, owner, body, urgency, ttl)
    who = column.strip('"')
    tasks.after_commit(send, f"push to {who} {owner}")


async def _send_all(column: str, owner: int, body: bytes, urgency: Urgency, ttl: int) -> None:
    try:
        rows = await db.fetch(
            f"SELECT id, endpoint, p256dh, auth FROM push_subscription WHERE {column} = $1", owner
        )
        if not rows:
            return
        identity = await signer()
        async with guarded_client("push", timeout=ATTEMPT_DEADLINE) as client:
            await asyncio.gather(*(_deliver(client, identity, r, body, urgency, ttl) for r in rows))
    except Exception:
        log.exception("push to %s %s failed", column.strip('"'), owner)


async def _deliver(
    client: httpx.AsyncClient,
    identity: _Signer,
    row: asyncpg.Record,
    body: bytes,
    urgency: Urgency,
    ttl: int,
) -> None:
    """One subscription: bounded retries on network errors, 429 and 5xx; 404/410 drop it."""
    where = f"subscription {row['id']} at {origin(row['endpoint'])}"  # the URL itself is a secret
    try:
        content, authorization = identity.seal(row["endpoint"], row["p256dh"], row["auth"], body)
        headers = {
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(ttl),
            "Urgency": urgency,
            "Authorization": authorization,
        }
        problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
            try:
                async with asyncio.timeout(ATTEMPT_DEADLINE):
                    # Streamed and left unread: what a push service says back is not needed.
                    async with client.stream(
                        "POST", row["endpoint"], content=content, headers=headers
                    ) as response:
                        status = response.status_code
            except OutboundRefused as exc:  # it points inside now: never again
                await db.execute("DELETE FROM push_subscription WHERE id = $1", row["id"])
                log.warning("push %s refused (%s); deleted", where, exc)
                return
            except (httpx.TransportError, TimeoutError) as exc:
                problem = type(exc).__name__
                continue
            if status < 300:
                return
            if status in (404, 410):
                await db.execute("DELETE FROM push_subscription WHERE id = $1", row["id"])
                log.info("push %s is gone (%d); deleted", where, status)
                return
            problem = f"HTTP {status}"
            if status != 429 and status < 500:
                log.warning("push %s refused: %s", where, problem)
                return
        log.warning("push %s given up after %d attempts: %s", where, ATTEMPTS, problem)
    except Exception:
        log.exception("push %s failed", where)


@asynccontextmanager
async def push_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Makes the VAPID keys at start: a bad subject fails the start, not the first send."""
    await signer()
    yield
