"""The outbound guard in tests: a DNS of the tests' own (never the real one), and settings that
let the server reach a local receiver (FIELDLINE_OUTBOUND_ALLOW, FIELDLINE_OUTBOUND_ALLOW_HTTP)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from backend import outbound
from backend.settings import get_settings

# name → addresses; a name not here does not resolve (as for an unknown name).
DNS: dict[str, list[str]] = {}


def fake_resolve(host: str, port: int) -> list[str]:
    try:
        return list(DNS[host.lower()])
    except KeyError:
        raise OSError(f"{host} is not in the tests' DNS") from None


@contextmanager
def tests_dns() -> Iterator[dict[str, list[str]]]:
    """Replaces backend.outbound.resolve for the block; yields the table to fill."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbound, "resolve", fake_resolve)
        DNS.clear()
        try:
            yield DNS
        finally:
            DNS.clear()


@contextmanager
def allowing(*entries: str, http: bool) -> Iterator[None]:
    """FIELDLINE_OUTBOUND_ALLOW gains entries (networks or hosts) and http:// is allowed or not,
    for the block; settings are read again on the way in and out."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            current = os.environ.get("FIELDLINE_OUTBOUND_ALLOW", "")
            patch.setenv("FIELDLINE_OUTBOUND_ALLOW", ",".join(filter(None, [current, *entries])))
            patch.setenv("FIELDLINE_OUTBOUND_ALLOW_HTTP", "1" if http else "0")
            get_settings.cache_clear()
            yield
    finally:
        get_settings.cache_clear()
