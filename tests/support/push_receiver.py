"""A push service on 127.0.0.1 for tests, and a browser's side of Web Push written from the RFCs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import struct
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

WAIT = 10.0  # a safety net so a broken sender fails the test instead of hanging it


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- the push service ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class PushReceiver:
    """A real HTTP/1.1 server on a free loopback port that records every request.

    Each path answers 201 unless told otherwise with `answer(path, *statuses)` (used in order,
    the last one repeating); `hold(path)` keeps its requests waiting until the event is set.
    """

    requests: list[Received] = field(default_factory=list)
    answered: int = 0
    port: int = 0
    _statuses: dict[str, list[int]] = field(default_factory=dict)
    _holds: dict[str, asyncio.Event] = field(default_factory=dict)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _server: asyncio.Server | None = None

    async def __aenter__(self) -> PushReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        for event in self._holds.values():
            event.set()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str, *statuses: int) -> None:
        self._statuses[path] = list(statuses)

    def hold(self, path: str) -> asyncio.Event:
        return self._holds.setdefault(path, asyncio.Event())

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    async def wait_for(self, count: int) -> None:
        """Until `count` requests have arrived (answered or not)."""
        async with asyncio.timeout(WAIT), self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    def _status(self, path: str) -> int:
        statuses = self._statuses.get(path, [201])
        return statuses.pop(0) if len(statuses) > 1 else statuses[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *lines = head.split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {}
            for line in filter(None, lines):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            assert "chunked" not in headers.get("transfer-encoding", ""), "expected a sized body"
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            async with self._arrived:
                self.requests.append(Received(method, target, headers, body))
                self._arrived.notify_all()
            if target in self._holds:
                await self._holds[target].wait()
            status = self._status(target)
            writer.write(
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            self.answered += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the sender went away; nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


# --- the browser ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Browser:
    """What pushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @classmethod
    def new(cls) -> Browser:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """PushSubscription.toJSON(), as the PWA posts it."""
        keys = {"p256dh": self.p256dh, "auth": self.auth}
        return {"endpoint": endpoint, "expirationTime": None, "keys": keys}

    def decrypt(self, body: bytes) -> bytes:
        return decrypt(body, self.private_key, self.auth_secret)


def _hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def parse_header(body: bytes) -> tuple[bytes, int, bytes, bytes]:
    """RFC 8188 §2.1: salt (16) | rs (uint32) | idlen (uint8) | keyid, then the records."""
    if len(body) < 21:
        raise ValueError("shorter than the aes128gcm header")
    salt, (rs,), idlen = body[:16], struct.unpack("!I", body[16:20]), body[20]
    if rs < 18:
        raise ValueError(f"record size {rs} below the minimum of 18")
    return salt, rs, body[21 : 21 + idlen], body[21 + idlen :]


def decrypt_content(body: bytes, ikm: bytes) -> bytes:
    """RFC 8188 aes128gcm content decoding with the given input keying material."""
    salt, rs, _, records = parse_header(body)
    cek = _hkdf(ikm, salt, b"Content-Encoding: aes128gcm\x00", 16)
    base_nonce = int.from_bytes(_hkdf(ikm, salt, b"Content-Encoding: nonce\x00", 12), "big")
    chunks = [records[i : i + rs] for i in range(0, len(records), rs)]
    if not chunks:
        raise ValueError("no records")
    plaintext = b""
    for seq, chunk in enumerate(chunks):
        nonce = (base_nonce ^ seq).to_bytes(12, "big")  # §2.3: the record number XOR the nonce
        padded = AESGCM(cek).decrypt(nonce, chunk, None).rstrip(b"\x00")
        last = seq == len(chunks) - 1
        if not padded or padded[-1] != (2 if last else 1):  # §2: 0x02 ends the last record
            raise ValueError(f"record {seq}: wrong padding delimiter")
        plaintext += padded[:-1]
    return plaintext


def decrypt(body: bytes, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """RFC 8291: the user agent's decryption of a push message body."""
    _, _, keyid, _ = parse_header(body)
    if len(keyid) != 65:  # §4: keyid carries the sender's ephemeral public key
        raise ValueError("keyid is not an uncompressed P-256 point")
    as_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), keyid)
    ua_public = private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    ecdh_secret = private_key.exchange(ec.ECDH(), as_public)
    # §3.4: auth_secret salts the shared secret, bound to both public keys.
    ikm = _hkdf(ecdh_secret, auth_secret, b"WebPush: info\x00" + ua_public + keyid, 32)
    return decrypt_content(body, ikm)


# --- VAPID ---------------------------------------------------------------------------------------


def vapid_params(authorization: str) -> dict[str, str]:
    """RFC 8292 §3: `vapid t=<jwt>, k=<key>` → {"t": …, "k": …}."""
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not the vapid scheme: {scheme!r}")
    params = {}
    for item in rest.split(","):
        name, _, value = item.strip().partition("=")
        params[name.strip()] = value.strip()
    if set(params) != {"t", "k"}:
        raise ValueError(f"expected t and k, got {sorted(params)}")
    return params


def expected_audience(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    default = {"http": 80, "https": 443}[parts.scheme]
    port = "" if parts.port in (None, default) else f":{parts.port}"
    return f"{parts.scheme}://{parts.hostname}{port}"


def verify_vapid(authorization: str, endpoint: str) -> dict[str, Any]:
    """What a push service checks: an ES256 JWT signed by k, for this origin, not expired."""
    params = vapid_params(authorization)
    header_b64, payload_b64, signature_b64 = params["t"].split(".")
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"alg must be ES256, got {header.get('alg')!r}")
    signature = unb64url(signature_b64)
    if len(signature) != 64:  # JOSE (RFC 7518 §3.4): r || s, 32 bytes each, not DER
        raise ValueError("signature is not 64 bytes of r||s")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(params["k"]))
    signed = f"{header_b64}.{payload_b64}".encode()
    key.verify(der, signed, ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    claims: dict[str, Any] = json.loads(unb64url(payload_b64))
    if claims.get("aud") != expected_audience(endpoint):
        raise ValueError(f"aud {claims.get('aud')!r} is not {expected_audience(endpoint)!r}")
    now = time.time()
    if not now < claims["exp"] <= now + 24 * 3600:  # RFC 8292 §2: at most 24 h ahead
        raise ValueError(f"exp {claims['exp']} is not within the next 24 h")
    return claims
