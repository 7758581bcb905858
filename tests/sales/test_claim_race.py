"""Two reps claiming the same pool account at once, through two real app servers (two
processes, two connection pools): exactly one 200 and one 409, every time, one move recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from backend import db
from tests.support.factories import account, team
from tests.support.servers import ServerFailed, app_server

ROUNDS = 8


@pytest.fixture(scope="module")
def two_servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    logs = tmp_path_factory.mktemp("claims")
    quiet = {"FIELDLINE_BOARD_REFRESH_SECONDS": "0"}
    try:
        with ExitStack() as servers:
            yield [
                servers.enter_context(app_server(database_url, logs / f"s{i}.log", **quiet))[0]
                for i in range(2)
            ]
    except ServerFailed as failed:
        pytest.fail(str(failed))


async def test_two_simultaneous_claims_one_wins_one_409(api, two_servers):
    people = await team(api)
    reps = [people["rep"], people["other_rep"]]
    pooled = [await account(api, people["admin"]) for _ in range(ROUNDS)]
    async with httpx.AsyncClient(timeout=30) as http:
        for acc in pooled:
            answers = await asyncio.gather(
                *(
                    http.post(f"{url}/api/accounts/{acc['id']}/claim", headers=rep.headers)
                    for url, rep in zip(two_servers, reps, strict=True)
                )
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [200, 409], [a.text for a in answers]
            loser = next(a for a in answers if a.status_code == 409)
            assert loser.json()["rule"] == "not_in_pool"
    moves = await db.fetchval("SELECT count(*) FROM pool_move WHERE kind = 'claimed'")
    assert moves == ROUNDS
    owners = await db.fetch(
        "SELECT owner FROM account WHERE id = ANY($1::int[])", [a["id"] for a in pooled]
    )
    assert all(o["owner"] in {r.id for r in reps} for o in owners)
