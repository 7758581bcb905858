"""The one guard for every URL the server itself requests (push endpoints, webhooks).

Such a URL comes from outside (a browser's push subscription, an admin's webhook), so without a
guard it aims the server at its own network: the database, a metadata service, 127.0.0.1. A URL
passes when it is https (http only with FIELDLINE_OUTBOUND_ALLOW_HTTP=1, for development), names
no user, and every address its host resolves to is public: not loopback, private, link-local,
multicast, reserved or unspecified, in any spelling (127.1, 2130706433, 0x7f000001,
017700000001, IPv6, IPv4-mapped IPv6). A push endpoint must also be on a known push service.
FIELDLINE_OUTBOUND_ALLOW lists what an operator allows anyway: networks (an address in one may
be reached) and host names (also counted as push services).

The check runs when the URL is taken (`check_url`, a 400 naming the field) and again when a
connection is opened (`guarded_client`): the addresses are resolved, checked and connected to in
one step, so a name that pointed outside at the first check and inside at the second (DNS
rebinding) is refused. Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from typing import Any, Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from backend.settings import get_settings

Purpose = Literal["push", "webhook"]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_DEFAULT_PORTS = {"http": 80, "https": 443}
# A host every label of which is a number (decimal, 0x hex or 0 octal) is an IPv4 address to
# resolvers (inet_aton), however short: 127.1 and 0x7f000001 are 127.0.0.1.
_NUMERIC_LABEL = re.compile(r"0[xX][0-9a-fA-F]*|[0-9]+")


class OutboundRefused(ValueError):
    """The URL may not be requested; the message says why (safe to show to whoever sent it)."""


class Unresolvable(OutboundRefused):
    """The host has no address right now: at send time a network error, worth a retry."""


# --- the rules -----------------------------------------------------------------------------------


def _allowed_entries() -> tuple[tuple[Network, ...], tuple[str, ...]]:
    """FIELDLINE_OUTBOUND_ALLOW split into networks and host name patterns."""
    networks: list[Network] = []
    hosts: list[str] = []
    for entry in get_settings().outbound_allow:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.append(entry.lower().rstrip("."))
    return tuple(networks), tuple(hosts)


def _matches(host: str, patterns: Iterable[str]) -> bool:
    """`*.example.com` matches any name below example.com (not itself); others match exactly."""
    for pattern in patterns:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def _unwrap(address: Address) -> list[Address]:
    """The address and any IPv4 address it carries (mapped, 6to4, Teredo, NAT64)."""
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            found.append(address.ipv4_mapped)
        if address.sixtofour:
            found.append(address.sixtofour)
        if address.teredo:
            found.append(address.teredo[1])
        if address in ipaddress.ip_network("64:ff9b::/96"):
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def refusal(address: Address) -> str | None:
    """Why the server must not connect to this address, or None if it is a public one."""
    for one in _unwrap(address):
        for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
            if getattr(one, f"is_{kind}"):
                return f"{kind.replace('_', '-')} address {one}"
        if not one.is_global:
            return f"non-public address {one}"
    return None


def literal_address(host: str) -> Address | None:
    """The address a host written as one stands for, in every notation resolvers accept."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    labels = bare.rstrip(".").split(".")
    if labels and all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare.rstrip(".")))
        except OSError:
            raise OutboundRefused(f"host {host} is not a valid address") from None
    return None


def check_address(address: Address) -> None:
    """Raises OutboundRefused unless the address is public or in FIELDLINE_OUTBOUND_ALLOW."""
    networks, _ = _allowed_entries()
    if any(one in network for one in _unwrap(address) for network in networks):
        return
    why = refusal(address)
    if why is not None:
        raise OutboundRefused(f"points to a {why}")


def _parse(url: str, purpose: Purpose) -> tuple[str, int, Address | None]:
    """The syntax and host rules, no DNS: (host, port, the address when the host is one)."""
    if not url.isascii() or any(c.isspace() or ord(c) < 32 for c in url):
        raise OutboundRefused("must be a plain ASCII URL")
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        raise OutboundRefused("is not a valid URL") from None
    settings = get_settings()
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.outbound_allow_http):
        raise OutboundRefused("must be an https:// URL")
    if not host:
        raise OutboundRefused("has no host")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused("must not carry a user name or password")
    address = literal_address(host)
    networks, hosts = _allowed_entries()
    if purpose == "push":
        allowed_host = _matches(host, (*settings.push_hosts, *hosts)) or (
            address is not None and any(address in network for network in networks)
        )
        if not allowed_host:
            raise OutboundRefused("must be the address of a known push service")
    if address is not None:
        check_address(address)
    return host, port or _DEFAULT_PORTS[parts.scheme], address


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (blocking; tests replace it: they never use the real DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def allowed_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, every one checked (blocking). One bad address refuses them all: a
    name that also points inside is not used at all."""
    address = literal_address(host)
    if address is not None:
        check_address(address)
        return [str(address)]
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise Unresolvable(f"host {host} does not resolve") from exc
    if not found:
        raise Unresolvable(f"host {host} does not resolve")
    for text in found:
        check_address(ipaddress.ip_address(text.split("%", 1)[0]))
    return found


def check_url(url: str, *, purpose: Purpose) -> None:
    """Raises OutboundRefused unless the server may request url (blocking: it resolves the host;
    from async code call it in a thread). A known push service's name that does not resolve
    right now passes: its addresses are checked again at every connection."""
    host, port, address = _parse(url, purpose)
    if address is not None:
        return
    try:
        allowed_addresses(host, port)
    except Unresolvable:
        if purpose != "push":  # _parse let only known push services' names through
            raise


# --- the HTTP client -----------------------------------------------------------------------------


async def open_tcp(
    address: str, port: int, timeout: float | None, socket_options: Any
) -> httpcore.AsyncNetworkStream:
    """A TCP connection to an address already checked (tests replace it: no internet)."""
    backend = httpcore.AnyIOBackend()
    return await backend.connect_tcp(address, port, timeout=timeout, socket_options=socket_options)


class _CheckedNetwork(httpcore.AsyncNetworkBackend):
    """Resolves, checks and connects in one step: the address connected to is one checked."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await asyncio.to_thread(allowed_addresses, host, port)
        except Unresolvable as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return await open_tcp(address, port, timeout, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                failure = exc
        raise httpcore.ConnectError(f"no address of {host} answered: {failure}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("unix sockets are not reachable from outside")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over _CheckedNetwork; each request's URL passes the rules first."""

    def __init__(self, purpose: Purpose) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: we connect ourselves
        self.purpose = purpose
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_CheckedNetwork(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _parse(str(request.url), self.purpose)
        return await super().handle_async_request(request)


def guarded_client(purpose: Purpose, *, timeout: float) -> httpx.AsyncClient:
    """The HTTP client for URLs from outside: checked at each connection, no redirects."""
    return httpx.AsyncClient(
        transport=_CheckedTransport(purpose),
        follow_redirects=False,
        trust_env=False,
        timeout=timeout,
    )
