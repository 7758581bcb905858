"""The app as a real server: uvicorn in a subprocess on a given database, started, awaited and
stopped the one way the browser tests, the live-board tests and the benches all use."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]  # the checkout
START_TIMEOUT = 60.0  # a bound for a server that never comes up, not a claim about speed


class ServerFailed(RuntimeError):
    """The server exited or did not answer; the message holds its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/static/css/app.css", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    waited = f"{START_TIMEOUT:.0f} s"
    raise ServerFailed(f"the server did not answer within {waited}:\n{log.read_text()}")


def _end_with_the_caller() -> None:
    """In the server's process before it starts: Linux sends it SIGTERM when the thread that
    started it ends, so a test run that is killed (and never reaches its `finally`) leaves no
    server behind. app_server is entered from the main thread, which lives as long as the run."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextmanager
def app_server(
    database_url: str, log: Path, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The app on a free port of 127.0.0.1, serving database_url; yields (base URL, process).

    env adds to (or overrides) the environment, e.g. FIELDLINE_BOARD_REFRESH_SECONDS="0". Its
    workers' clock is off unless env turns it on (FIELDLINE_WORKER_CLOCK="1"): a session's server
    must not send, expire or recycle the rows of the tests that run while it lives (the tests run
    each job themselves, with time moved in the data).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FIELDLINE_BASE_URL": url,
        "FIELDLINE_WORKER_CLOCK": "0",
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "backend.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--no-proxy-headers"]  # as `fieldline serve`: backend/proxies.py decides
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=output,
            preexec_fn=_end_with_the_caller,
        )
    try:
        _wait_until_serving(url, process, log)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def app_servers(database_url: str, logs: Path, count: int, **env: str) -> Iterator[list[str]]:
    """`count` app instances (processes, each with its own LISTEN connections) on one database:
    what two workers behind a load balancer share. Yields their base URLs."""
    with ExitStack() as servers:
        yield [
            servers.enter_context(app_server(database_url, logs / f"server{i}.log", **env))[0]
            for i in range(count)
        ]
