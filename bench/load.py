"""The API's hot paths under load, each as a ratio to a bare Litestar app in the same run.

    python -m bench.load [--seconds 5] [--rounds 3] [--connections 16] [--workers 1]
                         [--only detail,me_jobs,...] [--scaling]

A scratch database gets the demo data set (plus planned visits for the write); a hello-world
Litestar app (bench/hello.py) and Fieldline are served by the same uvicorn with the same number of
workers, and wrk (Debian's, installed here when missing) drives one endpoint at a time with one
thread and --connections keep-alive connections. Rounds are interleaved (hello, then each
endpoint in a rotated order) so a noisy neighbour hits both sides of a ratio alike; each ratio is
an endpoint's requests/s over the hello-world's of the same round, printed as the median with its
range. --scaling also serves both apps with two workers and prints the 2-worker over 1-worker
throughput of each endpoint, round by round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from backend import db
from backend.demo.load import DEMO_PASSWORD, load_demo
from bench._scratch import scratch_database
from bench._timing import median
from tests.support.servers import ROOT, ServerFailed, free_port

START_TIMEOUT = 90.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    goal: float  # the ratio issue 15 asks for
    method: str
    path: str
    who: str  # whose token: admin, engineer, rep; "" for none
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    write: bool = False  # a check-in: each request takes a fresh visit and key (a Lua script)


@dataclass
class World:
    tokens: dict[str, str]
    work_order: int
    account_query: str
    account: int
    visits: list[int]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian) …", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be installed")
    return found


@contextmanager
def serve(app: list[str], workers: int, log: Path, env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving `app` (factory or module:app args) on a free port; yields the base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", *app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=output
        )
    try:
        _wait(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import time

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise ServerFailed(f"no answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


# --- the seeded world --------------------------------------------------------------------------


async def seed(visits: int) -> None:
    """The demo set, and `visits` planned visits of rep02 on an account of his (for the write;
    rep01's own visit list stays as the demo made it)."""
    await load_demo(7)
    rep = await db.fetchval("SELECT id FROM app_user WHERE email = 'rep02@fieldline.test'")
    account = await db.fetchval(
        "SELECT id FROM account WHERE owner = $1 AND lat IS NOT NULL ORDER BY id LIMIT 1", rep
    )
    await db.execute(
        """INSERT INTO visit (rep, account, planned_at, created_at)
           SELECT $1, $2, now() + make_interval(mins => g), now() FROM generate_series(1, $3) g""",
        rep,
        account,
        visits,
    )
    await db.execute("ANALYZE")


async def world(base_url: str) -> World:
    """Tokens and the ids each endpoint reads: the busiest work order (events, parts, history),
    an engineer holding a job, a rep with accounts and the planned visits."""
    work_order = await db.fetchrow(
        """SELECT w.id, u.email FROM work_order w JOIN app_user u ON u.id = w.engineer
           WHERE w.status IN ('accepted', 'en_route', 'on_site')
           ORDER BY (SELECT count(*) FROM work_order h WHERE h.device = w.device) DESC, w.id
           LIMIT 1"""
    )
    assert work_order is not None, "the demo set has no active job"
    rep = await db.fetchrow(
        """SELECT u.id, a.id AS account, a.name FROM app_user u JOIN account a ON a.owner = u.id
           WHERE u.email = 'rep01@fieldline.test' ORDER BY a.id LIMIT 1"""
    )
    assert rep is not None
    visits = [
        r["id"]
        for r in await db.fetch(
            """SELECT v.id FROM visit v JOIN app_user u ON u.id = v.rep
               WHERE u.email = 'rep02@fieldline.test' AND v.checkin_at IS NULL ORDER BY v.id"""
        )
    ]
    tokens = {}
    async with httpx.AsyncClient(base_url=base_url) as http:
        for who, email in (
            ("admin", "admin@fieldline.test"),
            ("engineer", work_order["email"]),
            ("rep", "rep01@fieldline.test"),
            ("writer", "rep02@fieldline.test"),
        ):
            answer = await http.post(
                "/api/auth/login", json={"email": email, "password": DEMO_PASSWORD}
            )
            answer.raise_for_status()
            tokens[who] = answer.json()["token"]
    # A word of the account's name: the search a rep types.
    return World(tokens, work_order["id"], rep["name"][:2], rep["account"], visits)


def endpoints(w: World) -> list[Endpoint]:
    gzip = {"Accept-Encoding": "gzip"}
    check_in = json.dumps({"lat": 31.23, "lng": 121.47, "accuracy": 10})
    return [
        Endpoint("detail", 0.25, "GET", f"/api/work-orders/{w.work_order}", "admin"),
        Endpoint("me_jobs", 0.25, "GET", "/api/me/jobs", "engineer"),
        Endpoint("accounts_q", 0.25, "GET", f"/api/accounts?q={quote(w.account_query)}", "rep"),
        Endpoint("timeline", 0.25, "GET", f"/api/accounts/{w.account}/timeline", "rep"),
        Endpoint("visits", 0.25, "GET", "/api/visits", "rep"),
        Endpoint(
            "check_in",
            0.15,
            "POST",
            "/api/visits/{id}/check-in",
            "writer",
            body=check_in,
            write=True,
        ),
        Endpoint("me", 0.0, "GET", "/api/me", "admin"),
        Endpoint("login_page", 0.0, "GET", "/login", "", gzip),
        Endpoint("manifest", 0.0, "GET", "/manifest.webmanifest", ""),
        Endpoint("static_css", 0.8, "GET", "/static/css/app.css", "", gzip),
    ]


# --- wrk -----------------------------------------------------------------------------------------

WRITE_SCRIPT = """
local ids = {%(ids)s}
local n = 0
request = function()
  n = n + 1
  local id = ids[n]
  if id == nil then id = ids[#ids] end
  local headers = {}
  headers["Authorization"] = "Bearer %(token)s"
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "load-%(round)s-" .. n
  return wrk.format("POST", "/api/visits/" .. id .. "/check-in", headers, '%(body)s')
end
"""


@dataclass
class Result:
    rps: float
    bad: int  # non-2xx/3xx answers and socket errors


def run_wrk(wrk: str, url: str, seconds: int, connections: int, *extra: str) -> Result:
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return Result(rps, bad)


class Driver:
    def __init__(self, wrk: str, args: argparse.Namespace, w: World, scripts: Path) -> None:
        self.wrk, self.args, self.world, self.scripts = wrk, args, w, scripts
        self.next_visit = 0

    def hello(self, url: str) -> Result:
        return run_wrk(self.wrk, url + "/", self.args.seconds, self.args.connections)

    def hit(self, url: str, e: Endpoint, round_no: int) -> Result:
        headers = dict(e.headers)
        if e.who:
            headers["Authorization"] = f"Bearer {self.world.tokens[e.who]}"
        if not e.write:
            flags = [x for k, v in headers.items() for x in ("-H", f"{k}: {v}")]
            return run_wrk(self.wrk, url + e.path, self.args.seconds, self.args.connections, *flags)
        # Enough fresh visits for any rate this machine reaches in the round.
        take = self.world.visits[self.next_visit : self.next_visit + 40_000]
        self.next_visit += len(take)
        if len(take) < 1000:
            raise SystemExit("out of planned visits: seed more (--visits)")
        script = self.scripts / f"check_in_{round_no}_{self.next_visit}.lua"
        script.write_text(
            WRITE_SCRIPT
            % {
                "ids": ",".join(map(str, take)),
                "token": self.world.tokens[e.who],
                "round": f"{round_no}-{self.next_visit}",
                "body": e.body,
            }
        )
        result = run_wrk(self.wrk, url, self.args.seconds, self.args.connections, "-s", str(script))
        if result.rps * self.args.seconds > len(take):
            raise SystemExit("a round used up its visits: raise the slice in Driver.hit")
        return result


async def answering(url: str, w: World, chosen: list[Endpoint]) -> list[Endpoint]:
    """The endpoints that answer 2xx once (a read; the write is tried on the last visit)."""
    kept = []
    async with httpx.AsyncClient(base_url=url) as http:
        for e in chosen:
            headers = {"Authorization": f"Bearer {w.tokens[e.who]}"} if e.who else {}
            headers |= {"Content-Type": "application/json"} if e.body else {}
            path = e.path.replace("{id}", str(w.visits[-1]))
            answer = await http.request(e.method, path, headers=headers, content=e.body)
            if answer.is_success:
                kept.append(e)
            else:
                print(f"skipped {e.name}: {e.method} {path} answers {answer.status_code}")
    if any(e.write for e in kept):
        w.visits.pop()  # checked in by the probe
    return kept


def spread(values: list[float]) -> str:
    return f"{median(values):6.3f}  ({min(values):.3f}–{max(values):.3f})"


async def main(args: argparse.Namespace) -> None:
    wrk = ensure_wrk()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    async with scratch_database("load") as url:
        await seed(args.visits)
        env = {"DATABASE_URL": url, "FIELDLINE_BOARD_REFRESH_SECONDS": "0"}
        tmp = Path(tempfile.mkdtemp(prefix="fieldline-load-"))
        worker_counts = [args.workers] + ([2] if args.scaling and args.workers != 2 else [])
        with ExitStack() as stack:
            servers: dict[int, tuple[str, str]] = {}
            for n in worker_counts:
                hello = stack.enter_context(
                    serve(["bench.hello:app"], n, tmp / f"hello{n}.log", {})
                )
                app = ["--factory", "backend.app:create_app"]
                fieldline = stack.enter_context(serve(app, n, tmp / f"fieldline{n}.log", env))
                servers[n] = (hello, fieldline)
            w = await world(servers[args.workers][1])
            chosen = [e for e in endpoints(w) if not args.only or e.name in args.only]
            chosen = await answering(servers[args.workers][1], w, chosen)
            driver = Driver(wrk, args, w, tmp)
            # rps[workers][name] per round; "hello" is the baseline
            rps: dict[int, dict[str, list[float]]] = {n: {} for n in worker_counts}
            bad: dict[str, int] = {}
            for round_no in range(args.rounds):
                order = chosen[round_no % len(chosen) :] + chosen[: round_no % len(chosen)]
                for n in worker_counts:
                    hello_url, app_url = servers[n]
                    rps[n].setdefault("hello", []).append(driver.hello(hello_url).rps)
                    for e in order:
                        result = driver.hit(app_url, e, round_no)
                        rps[n].setdefault(e.name, []).append(result.rps)
                        bad[e.name] = bad.get(e.name, 0) + result.bad
                print(f"round {round_no + 1}/{args.rounds} done", flush=True)
    base = args.workers
    print(f"\nworkers {base}, wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds")
    print(f"{'endpoint':<12} {'req/s':>8}  {'ratio to hello (range)':<24} goal   bad")
    print(f"{'hello':<12} {median(rps[base]['hello']):8.0f}")
    for e in chosen:
        ratios = [a / h for a, h in zip(rps[base][e.name], rps[base]["hello"], strict=True)]
        met = "" if not e.goal else ("met" if median(ratios) >= e.goal else "NOT met")
        line = f"{e.name:<12} {median(rps[base][e.name]):8.0f}  {spread(ratios):<24} "
        print(line + f"{e.goal or '':<5} {bad[e.name]:>4} {met}")
    if len(worker_counts) > 1:
        print("\n2 workers over 1 worker (throughput), per round: median (range); mark 1.6")
        for name in ["hello", *(e.name for e in chosen)]:
            gain = [b / a for a, b in zip(rps[1][name], rps[2][name], strict=True)]
            print(f"{name:<12} {spread(gain)}")
    print(f"\nload average at end: {os.getloadavg()}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--visits", type=int, default=300_000)
    parser.add_argument("--scaling", action="store_true", help="also 2 workers against 1")
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set())
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
