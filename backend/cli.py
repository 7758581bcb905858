"""The `fieldline` command: serve, migrate, create-user, demo, clock."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from backend import db


async def _migrate() -> list[str]:
    return await db.migrate()


def cmd_migrate(_: argparse.Namespace) -> int:
    db.configure()
    ran = asyncio.run(_migrate())
    print(f"applied {len(ran)} migration(s)" if ran else "the database is up to date")
    return 0


async def _load_demo(seed: int, only_if_empty: bool) -> str:
    from backend.demo.load import demo_logins, load_demo

    await db.open_pool()
    try:
        if only_if_empty and await db.fetchval("SELECT count(*) FROM app_user"):
            return "the database has data already; demo data not loaded"
        summary = await load_demo(seed)
    finally:
        await db.close_pool()
    logins = "\n".join(
        f"  {role:<11} {email:<28} {password}" for role, email, password in demo_logins()
    )
    return f"loaded demo data: {summary}\nSign in with (role, email, password):\n{logins}"


def cmd_demo(args: argparse.Namespace) -> int:
    from backend.demo.load import DemoRefused

    db.configure()
    asyncio.run(_migrate())
    try:
        print(asyncio.run(_load_demo(args.seed, only_if_empty=False)))
    except DemoRefused as exc:
        print(f"fieldline: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    dsn = db.configure()
    if args.demo:
        # Demo mode sets itself up: migrate, and fill an empty database with the demo data set.
        asyncio.run(_migrate())
        print(asyncio.run(_load_demo(args.seed, only_if_empty=True)))
    else:
        pending = asyncio.run(db.pending_migrations())
        if pending:
            print(
                f"fieldline: the database is {len(pending)} migration(s) behind this version "
                f"({', '.join(pending)}).\nRun `fieldline migrate` first, then start the server.",
                file=sys.stderr,
            )
            return 2
    # Workers are separate processes: hand them the one database this process resolved.
    os.environ["DATABASE_URL"] = dsn
    print(f"Fieldline on http://{args.host}:{args.port}  (API schema at /schema)")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1; backend/proxies.py decides instead
        # (FIELDLINE_TRUSTED_PROXIES).
        proxy_headers=False,
        log_level="info",
    )
    return 0


async def _create_user(args: argparse.Namespace, password: str) -> str:
    import msgspec

    from backend.access import Role
    from backend.staff.schemas import UserIn
    from backend.staff.service import create_user

    data = msgspec.convert(
        {
            "name": args.name,
            "email": args.email,
            "password": password,
            "role": args.role,
            "skills": args.skill or [],
        },
        UserIn,
    )
    await db.open_pool()
    try:
        user = await create_user(data)
    finally:
        await db.close_pool()
    return f"created {Role(user.role).value} {user.email} (id {user.id})"


def cmd_create_user(args: argparse.Namespace) -> int:
    import msgspec

    from backend.errors import DomainError

    password = os.environ.get("FIELDLINE_PASSWORD") or getpass.getpass("Password: ")
    db.configure()
    try:
        print(asyncio.run(_create_user(args, password)))
    except msgspec.ValidationError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"refused: {exc.detail} {exc.extra or ''}", file=sys.stderr)
        return 1
    return 0


async def _clock_once(only: list[str] | None) -> list[tuple[str, str]]:
    from backend import clock
    from backend.app import periodic_jobs

    jobs = [j for j in periodic_jobs() if not only or j.name in only]
    await db.open_pool()
    try:
        return await clock.run_once(jobs)
    finally:
        await db.close_pool()


def cmd_clock(args: argparse.Namespace) -> int:
    from backend import tasks
    from backend.app import periodic_jobs

    names = [j.name for j in periodic_jobs()]
    unknown = sorted(set(args.job or ()) - set(names))
    if unknown:
        print(
            f"fieldline: no clock job {', '.join(unknown)} (jobs: {', '.join(names)})",
            file=sys.stderr,
        )
        return 2
    db.configure()

    async def once() -> list[tuple[str, str]]:
        done = await _clock_once(args.job)
        await tasks.drain()  # the pushes and board events a round set off
        return done

    for name, said in asyncio.run(once()):
        print(f"{name}: {said}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fieldline", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--demo",
        action="store_true",
        help="migrate and load demo data into an empty database first",
    )
    serve.add_argument("--seed", type=int, default=7)
    serve.set_defaults(run=cmd_serve)

    sub.add_parser("migrate", help="apply pending migrations").set_defaults(run=cmd_migrate)

    demo = sub.add_parser("demo", help="load the demo data set (Shanghai) into an empty database")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=cmd_demo)

    user = sub.add_parser(
        "create-user", help="add a staff member (password from FIELDLINE_PASSWORD or a prompt)"
    )
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=["admin", "supervisor", "rep", "engineer"])
    user.add_argument("--skill", action="append", help="engineer skill (repeatable)")
    user.set_defaults(run=cmd_create_user)

    clock = sub.add_parser(
        "clock", help="run the periodic jobs (offers, reminders, recycling, pruning) once"
    )
    clock.add_argument("--once", action="store_true", required=True, help="one round of each job")
    clock.add_argument("--job", action="append", help="only this job (repeatable)")
    clock.set_defaults(run=cmd_clock)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
