"""What every board shares: who may see it, its page and language, no reads inside a transaction."""

from __future__ import annotations

import pytest

from backend import db
from backend.boards.service import sales_board, satisfaction_board
from tests.support.board_history import build, range_params
from tests.support.factories import team

BOARD_PATHS = (
    "/api/boards/dispatch",
    "/api/boards/satisfaction",
    "/api/boards/satisfaction/csv?table=summary",
    "/api/boards/sales",
    "/api/boards/sales/csv?table=reps",
    "/api/boards/stream",
)


async def test_only_supervisors_and_admins_see_the_boards(api):
    people = await team(api)
    for path in BOARD_PATHS:
        assert (await api.get(path)).status_code == 401, path
        for role in ("rep", "engineer"):
            response = await api.get(path, headers=people[role].headers)
            assert response.status_code == 403, (path, role)
        if not path.endswith("stream"):  # the stream never ends; tested in test_boards_live
            for role in ("admin", "supervisor"):
                response = await api.get(path, headers=people[role].headers)
                assert response.status_code == 200, (path, role, response.text)
    for page in ("/boards/dispatch", "/boards/satisfaction", "/boards/sales"):
        assert (await api.get(page)).status_code == 302
        assert (await api.get(page, headers=people["rep"].headers)).status_code == 403
        assert (await api.get(page, headers=people["supervisor"].headers)).status_code == 200


@pytest.mark.parametrize("path", ["/boards/satisfaction", "/boards/sales"])
async def test_pages_show_the_json_numbers(api, path):
    w = await build(api)
    api_path = "/api" + path
    data = (await api.get(api_path, params=range_params(), headers=w.supervisor.headers)).json()
    page = await api.get(path, params=range_params(), headers=w.supervisor.headers)
    assert page.status_code == 200
    if path.endswith("satisfaction"):
        shown = [
            str(data["csat"]["average"]),
            str(data["first_time_fix"]["pct"]),
            str(data["sla_breach"]["pct"]),
            str(data["times"]["to_complete_min"]),
        ]
        shown += [str(e["average"]) for e in data["engineers"] if e["average"] is not None]
        shown += [str(p["jobs_per_device"]) for p in data["products"]]
    else:
        shown = [str(r["visits"]) for r in data["reps"]]
    for value in shown:
        assert f">{value}<" in page.text.replace(" %<", "<"), value


async def test_boards_speak_chinese(api):
    people = await team(api)
    for path, title in (
        ("/boards/dispatch", "派单"),
        ("/boards/satisfaction", "一次修复率"),
        ("/boards/sales", "待联系客户"),
    ):
        page = await api.get(path, params={"lang": "zh_CN"}, headers=people["admin"].headers)
        assert page.status_code == 200
        assert title in page.text
        assert page.headers["content-language"] == "zh-CN"


async def test_boards_never_overlap_reads_on_a_transactions_one_connection(api):
    # A board's statements run at once on pooled connections; inside a transaction they could
    # not, so the board refuses rather than fail on "another operation is in progress".
    async with db.transaction():
        for board in (satisfaction_board, sales_board):
            with pytest.raises(RuntimeError, match="transaction"):
                await board(None, None, None)
    assert (await satisfaction_board(None, None, None)).csat.ratings == 0
