"""Real app servers (uvicorn in a subprocess, on the test database) for the tests that need a
real TCP peer: parallel logins, and proxy headers from a trusted or an untrusted address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.servers import ServerFailed, app_server

# Small limits, so a test reaches them in a few requests.
PUBLIC_LIMIT = 5
EMAILS_PER_ADDRESS = 3
LIMITS = {
    "FIELDLINE_PUBLIC_RATE_LIMIT": str(PUBLIC_LIMIT),
    "FIELDLINE_LOGIN_MAX_EMAILS_PER_ADDRESS": str(EMAILS_PER_ADDRESS),
    # A day-long fixed window: a test's few requests never straddle two windows (but at midnight).
    "FIELDLINE_PUBLIC_RATE_WINDOW": "86400",
}


def _serve(
    database_url: str, factory: pytest.TempPathFactory, name: str, **env: str
) -> Iterator[str]:
    log = factory.mktemp(name) / "uvicorn.log"
    try:
        with app_server(database_url, log, **LIMITS, **env) as (url, _):
            yield url
    except ServerFailed as failed:
        pytest.fail(str(failed))


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as deployed by default: no proxy is trusted (FIELDLINE_TRUSTED_PROXIES empty)."""
    yield from _serve(database_url, tmp_path_factory, "direct", FIELDLINE_TRUSTED_PROXIES="")


@pytest.fixture(scope="session")
def behind_proxy(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app behind a proxy on 127.0.0.1 (the test client plays the proxy)."""
    yield from _serve(
        database_url, tmp_path_factory, "proxied", FIELDLINE_TRUSTED_PROXIES="127.0.0.1"
    )
