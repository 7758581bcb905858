"""Where Fieldline may send a request: http(s) to a public address only, so an admin's webhook
URL cannot reach the database, the metadata service or anything else inside the network.

Stands in for backend/outbound.py (branch hardnet, same signature) until that lands.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit


class OutboundRefused(ValueError):
    """The URL may not be requested; the message says why."""


def _allow_private(purpose: str) -> bool:
    """FIELDLINE_<PURPOSE>_ALLOW_PRIVATE=1 (tests, a receiver on the same host) admits private
    and loopback addresses."""
    return os.environ.get(f"FIELDLINE_{purpose.upper()}_ALLOW_PRIVATE") == "1"


def check_url(url: str, *, purpose: str) -> None:
    """Raises OutboundRefused unless url is http(s) with a host whose every address is public.

    Resolves the name (blocking: call it in a thread from async code)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused("must be an http:// or https:// URL")
    if not parts.hostname:
        raise OutboundRefused("has no host")
    if parts.username or parts.password:
        raise OutboundRefused("must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise OutboundRefused("has an invalid port") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(f"host {parts.hostname} does not resolve") from exc
    if _allow_private(purpose):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise OutboundRefused(f"{parts.hostname} is a private or local address ({address})")
