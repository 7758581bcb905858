"""What the import page needs beside the import itself: a file's columns and guessed mapping
before any check (POST /api/imports/preview, nothing kept), and the past runs, newest first and
filtered (GET /api/imports)."""

from __future__ import annotations

from typing import Any

from backend import db
from tests.integrations.test_imports_api import ACCOUNTS_CSV, upload
from tests.support.factories import staff

UNKNOWN_HEADER = "Customer title,Tel,等级\nAcme Cooling,13800138001,A\nBeta Freeze,13800138002,B\n"


async def preview(api: Any, who: Any, content: bytes, kind: str = "accounts", expect: int = 200):
    response = await api.post(
        "/api/imports/preview",
        files={"file": ("accounts.csv", content)},
        data={"kind": kind},
        headers=who.headers,
    )
    assert response.status_code == expect, response.text
    return response.json()


async def test_a_preview_shows_the_guess_and_what_is_missing_and_keeps_nothing(api):
    admin = await staff(api, "admin")
    shown = await preview(api, admin, UNKNOWN_HEADER.encode())
    assert shown["columns"] == ["Customer title", "Tel", "等级"]
    assert shown["mapping"] == {"Customer title": None, "Tel": "phone", "等级": "grade"}
    assert shown["missing"] == ["name"]  # the user must pick the column for the name
    assert shown["rows"] == 2
    assert shown["sample"][1] == ["Beta Freeze", "13800138002", "B"]
    assert {"name": "name", "required": True} in shown["fields"]
    assert await db.fetchval("SELECT count(*) FROM import_run") == 0

    chinese = await preview(api, admin, ACCOUNTS_CSV.format(rep="").encode())
    assert chinese["mapping"]["客户名称"] == "name"
    assert chinese["missing"] == []
    devices = await preview(api, admin, b"serial,sku\nSN1,P-1\n", kind="devices")
    assert devices["missing"] == ["account_name"]

    bad = await api.post(
        "/api/imports/preview",
        files={"file": ("a.pdf", b"%PDF")},
        data={"kind": "accounts"},
        headers=admin.headers,
    )
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "file")
    rep = await staff(api, "rep")
    await preview(api, rep, UNKNOWN_HEADER.encode(), expect=403)


async def test_past_imports_are_listed_newest_first_with_their_counts(api):
    admin = await staff(api, "admin")
    content = UNKNOWN_HEADER.encode()
    mapping = {"Customer title": "name"}
    await upload(api, admin, content, mapping=mapping)
    await upload(api, admin, content, mapping=mapping, mode="commit")
    await upload(api, admin, b"name,grade\nGamma,Z\n", filename="bad.csv", mode="commit")

    listed = (await api.get("/api/imports", headers=admin.headers)).json()
    assert listed["total"] == 3
    newest, commit, dry = listed["items"]
    assert (newest["filename"], newest["errors_total"], newest["created"]) == ("bad.csv", 1, 0)
    assert newest["errors_url"] == f"/api/imports/{newest['id']}/errors.xlsx"
    assert (commit["mode"], commit["created"], commit["errors_url"]) == ("commit", 2, None)
    assert (dry["mode"], dry["created"], dry["created_by"]) == ("dry_run", 2, admin.id)

    commits = await api.get("/api/imports", params={"mode": "commit"}, headers=admin.headers)
    assert commits.json()["total"] == 2
    leads = await api.get("/api/imports", params={"kind": "leads"}, headers=admin.headers)
    assert leads.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    found = await api.get("/api/imports", params={"q": "BAD"}, headers=admin.headers)
    assert [r["filename"] for r in found.json()["items"]] == ["bad.csv"]
    wrong = await api.get("/api/imports", params={"mode": "maybe"}, headers=admin.headers)
    assert wrong.status_code == 400
