"""The client's address: proxy headers are believed only from FIELDLINE_TRUSTED_PROXIES.

Rate limits and the login throttle count per address, so an address any client can write into a
header would let one client be many. X-Forwarded-For is read right to left and every hop that is
a trusted proxy is skipped; the first hop that is not is the client. From any other peer the
headers are ignored. `fieldline serve` turns uvicorn's own proxy handling off (it trusts
127.0.0.1 by default), so this middleware is the one place that decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from backend.settings import Network, get_settings

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

FORWARDED_FOR = b"x-forwarded-for"
FORWARDED_PROTO = b"x-forwarded-proto"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:5123"
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, trusted: Network
) -> bool:
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: Network) -> str:
    """The address to count a request against, given the TCP peer and its X-Forwarded-For."""
    address = _address(peer)
    if not forwarded_for or not _trusted(address, trusted):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        parsed = _address(hop)
        if (
            parsed is None
        ):  # garbage written by someone before our proxies: stop at the last good hop
            return client
        client = str(parsed)
        if not _trusted(parsed, trusted):
            return client
    return client  # every hop is ours: the leftmost is as far as anyone can see


class ProxyHeaders:
    """Plain ASGI: rewrites scope["client"] (and the scheme) when the peer is a trusted proxy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        trusted = get_settings().trusted_proxies
        if scope["type"] in ("http", "websocket") and trusted and scope.get("client"):
            peer, port = scope["client"]
            hops = [v.decode("latin-1") for k, v in scope["headers"] if k == FORWARDED_FOR]
            if hops and _trusted(_address(peer), trusted):
                scope["client"] = (client_address(peer, ",".join(hops), trusted), port)
                proto = dict(scope["headers"]).get(FORWARDED_PROTO, b"").strip().lower()
                if scope["type"] == "http" and proto in (b"http", b"https"):
                    scope["scheme"] = proto.decode()
        await self.app(scope, receive, send)
