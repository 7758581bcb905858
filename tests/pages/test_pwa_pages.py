"""The staff PWA over HTTP: who gets which page, the manifest and icons, the service worker's
shell list, and a Chinese translation for every word of the app's templates."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from httpx import AsyncClient
from PIL import Image

from backend import assets
from tests.support.factories import staff

PWA = Path(__file__).resolve().parents[2] / "pwa"
APP_PAGES = ["/engineer", "/jobs/1", "/rep", "/visits/1", "/rep/accounts", "/rep/route"]
HOME_OF = {
    "/engineer": "engineer",
    "/jobs/1": "engineer",
    "/rep": "rep",
    "/visits/1": "rep",
    "/rep/accounts": "rep",
    "/rep/route": "rep",
}


@pytest.mark.parametrize("path", APP_PAGES)
async def test_app_pages_by_role(api: AsyncClient, path: str):
    """Anonymous: to the sign-in form and back; the page's role: 200; anyone else: home."""
    response = await api.get(path)
    assert response.status_code == 302
    assert response.headers["location"] == f"/login?next={path.replace('/', '%2F')}"
    for role in ("admin", "supervisor", "rep", "engineer"):
        person = await staff(api, role)
        response = await api.get(path, headers=person.headers)
        if role == HOME_OF[path]:
            assert response.status_code == 200, response.text
            assert response.headers["cache-control"] == "private, no-cache"
            assert f'data-user-id="{person.id}"' in response.text
        else:
            assert (response.status_code, response.headers["location"]) == (302, "/")


async def test_home_sends_field_staff_to_their_app(api: AsyncClient):
    assert (await api.get("/")).headers["location"] == "/login"
    for role, where in (("engineer", "/engineer"), ("rep", "/rep")):
        person = await staff(api, role)
        response = await api.get("/", headers=person.headers)
        assert (response.status_code, response.headers["location"]) == (302, where)
    for role in ("admin", "supervisor"):
        person = await staff(api, role)
        response = await api.get("/", headers=person.headers)
        assert response.status_code == 200
        assert 'rel="manifest"' in response.text


async def test_pages_pass_the_tile_url(api: AsyncClient):
    rep = await staff(api, "rep")
    page = (await api.get("/rep/route", headers=rep.headers)).text
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert f'<script defer src="{assets.url("vendor/leaflet/leaflet.js")}"></script>' in page


async def test_manifest_and_icons(api: AsyncClient):
    response = await api.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    assert manifest["name"] == manifest["short_name"] == "Fieldline"
    purposes = set()
    for icon in manifest["icons"]:
        image = await api.get(icon["src"])
        assert image.status_code == 200, icon["src"]
        width, height = Image.open(BytesIO(image.content)).size
        assert f"{width}x{height}" == icon["sizes"]
        purposes.add((icon["purpose"], icon["sizes"]))
    # Chromium wants a 144 px+ icon for "any"; launchers crop the maskable ones themselves.
    assert {("any", "512x512"), ("maskable", "512x512"), ("maskable", "192x192")} <= purposes

    chinese = await api.get("/manifest.webmanifest", headers={"Accept-Language": "zh-CN"})
    assert chinese.json()["description"] == "外勤人员的工单、拜访与轨迹"
    assert chinese.json()["lang"] == "zh-CN"


def _shell() -> list[str]:
    source = (PWA / "static" / "sw.js").read_text()
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block is not None
    return re.findall(r'"([^"]+)"', block.group(1))


async def test_the_worker_keeps_every_file_of_the_shell(api: AsyncClient):
    """Each file the app's pages load is in the worker's shell list, and each one is served:
    a module missing from the list would break the app offline the first time."""
    shell = _shell()
    staff = list((PWA / "static/js/staff").glob("*.js"))
    shared = {m for p in staff for m in re.findall(r'"\.\./shared/([\w-]+\.js)"', p.read_text())}
    modules = {f"/static/js/staff/{p.name}" for p in staff}
    modules |= {f"/static/js/shared/{m}" for m in shared}
    assert modules <= set(shell), sorted(modules - set(shell))
    for url in shell:
        assert (await api.get(url)).status_code == 200, url
    worker = await api.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == "/"
    assert worker.headers["cache-control"] == "no-cache"


async def test_pages_and_the_shell_go_out_gzipped_and_api_answers_plain(api: AsyncClient):
    """A phone's first load is mostly text, so it is gzipped (bench/shell_bytes.py). API answers
    are not: an idempotent replay sends back the stored body, which must be the plain one."""
    gzip = {"Accept-Encoding": "gzip"}
    for path in ("/login", "/sw.js", "/static/js/staff/shell.js", "/vendor/leaflet/leaflet.js"):
        response = await api.get(path, headers=gzip)
        assert response.headers.get("content-encoding") == "gzip", path
    icon = await api.get("/static/icons/icon-192.png", headers=gzip)
    assert "content-encoding" not in icon.headers  # a PNG is compressed already

    rep = await staff(api, "rep")
    headers = {**rep.headers, **gzip, "Idempotency-Key": "gz-1"}
    body = {"name": "Shanghai Cold Chain " * 9, "address": "No. 1 Century Avenue, " * 13}
    first = await api.post("/api/accounts?force=true", json=body, headers=headers)
    again = await api.post("/api/accounts?force=true", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert len(first.content) > 500  # big enough to be compressed, were it a page
    assert "content-encoding" not in first.headers
    assert "content-encoding" not in again.headers
    assert again.headers["idempotent-replay"] == "true"
    assert again.json() == first.json()


def _app_messages() -> set[str]:
    templates = PWA / "templates"
    files = [*sorted(templates.glob("app/*.html"))]
    files += [templates / name for name in ("base.html", "login.html")]
    found: set[str] = set()
    for path in files:
        for _, message, _, _ in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_word_of_the_app_has_a_chinese_translation():
    """In messages.po or a domain's catalog beside it (activity.po, …): the app merges them."""
    catalogs = []
    for po_file in sorted((PWA / "locale/zh_CN/LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as source:
            catalogs.append(read_po(source, locale="zh_CN"))
    messages = _app_messages()
    assert len(messages) > 150  # the extraction found the templates' words
    found = {m: [c.get(m) for c in catalogs if c.get(m) and c.get(m).string] for m in messages}
    untranslated = sorted(m for m, entries in found.items() if not entries)
    assert untranslated == []
    fuzzy = sorted(m for m, entries in found.items() if any(e.fuzzy for e in entries))
    assert fuzzy == []


async def test_app_page_in_chinese(api: AsyncClient):
    engineer = await staff(api, "engineer")
    page = (
        await api.get("/engineer", headers={**engineer.headers, "Accept-Language": "zh-CN,zh"})
    ).text
    assert '<html lang="zh-CN">' in page
    assert "车载库存" in page
    # The scripts' words come with the page.
    strings = re.search(r'<script type="application/json" id="fl-strings">(.*?)</script>', page)
    assert strings is not None
    assert json.loads(strings.group(1))["offer.accept"] == "接单"
