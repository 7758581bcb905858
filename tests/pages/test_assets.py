"""Static files: versioned addresses kept for good, plain ones revalidated, gzipped once."""

from __future__ import annotations

import re

from httpx import AsyncClient

from backend import assets
from backend.settings import PWA
from tests.support.factories import staff

GZIP = {"Accept-Encoding": "gzip"}


async def test_a_versioned_address_is_kept_for_good_and_gzipped(api: AsyncClient):
    url = assets.url("static/css/app.css")
    assert re.fullmatch(r"/static/v[0-9a-f]{12}/css/app\.css", url)
    response = await api.get(url, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["vary"] == "accept-encoding"
    # httpx unpacks the body; it is the file itself
    assert response.content == (PWA / "static/css/app.css").read_bytes()


async def test_plain_addresses_are_revalidated_with_an_etag(api: AsyncClient):
    first = await api.get("/static/js/staff/shell.js")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["content-type"] == "text/javascript; charset=utf-8"
    etag = first.headers["etag"]
    again = await api.get("/static/js/staff/shell.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await api.get("/static/js/staff/shell.js", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
    assert other.content == first.content


async def test_an_old_version_gets_todays_file_but_not_for_good(api: AsyncClient):
    response = await api.get("/vendor/v000000000000/leaflet/leaflet.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (PWA / "node_modules/leaflet/dist/leaflet.js").read_bytes()


async def test_only_indexed_files_are_served(api: AsyncClient):
    for path in (
        "/static/nothing.css",
        "/static/../backend/settings.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        f"/static/{assets.version()}/../sw.js/x",
        "/vendor/leaflet/../../package.json",
    ):
        assert (await api.get(path)).status_code == 404, path
    assert (await api.post("/static/css/app.css")).status_code in (404, 405)


async def test_head_and_a_png_that_is_not_compressed_again(api: AsyncClient):
    head = await api.head(assets.url("static/css/app.css"))
    assert head.status_code == 200
    assert head.content == b""
    icon = await api.get(assets.url("static/icons/icon-192.png"), headers=GZIP)
    assert "content-encoding" not in icon.headers
    assert icon.headers["content-type"] == "image/png"


def test_the_version_follows_every_file(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("a{}")
    before = assets.build_index({"static": tmp_path})
    assert before.version == assets.build_index({"static": tmp_path}).version
    (tmp_path / "css" / "a.css").write_text("a{color:red}")
    after = assets.build_index({"static": tmp_path})
    assert after.version != before.version
    (tmp_path / "css" / "b.css").write_text("a{color:red}")
    assert assets.build_index({"static": tmp_path}).version != after.version
    assert set(assets.build_index({"static": tmp_path}).files) == {
        "static/css/a.css",
        "static/css/b.css",
    }


async def test_pages_name_files_by_their_versioned_address(api: AsyncClient):
    engineer = await staff(api, "engineer")
    pages = [
        (await api.get("/login")).text,
        (await api.get("/engineer", headers=engineer.headers)).text,
    ]
    for page in pages:
        named = re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', page)
        assert named
        for url in named:
            assert url.split("/")[2] == assets.version(), url
            assert (await api.get(url)).status_code == 200, url


async def test_the_service_worker_keeps_the_versioned_shell(api: AsyncClient):
    worker = await api.get("/sw.js")
    assert worker.headers["cache-control"] == "no-cache"
    assert f'const ASSET_VERSION = "{assets.version()}";' in worker.text
    assert "__ASSET_VERSION__" not in worker.text


async def test_pages_answer_304_while_unchanged_for_the_same_reader(api: AsyncClient):
    first = await api.get("/login")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert (await api.get("/login")).headers["etag"] == etag  # the same page, the same tag
    again = await api.get("/login", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == first.headers["cache-control"]
    chinese = await api.get("/login?lang=zh-CN", headers={"If-None-Match": etag})
    assert chinese.status_code == 200  # another language is another page
    assert chinese.headers["etag"] != etag
    one, other = await staff(api, "engineer"), await staff(api, "engineer")
    mine = await api.get("/engineer", headers=one.headers)
    theirs = await api.get(
        "/engineer", headers={**other.headers, "If-None-Match": mine.headers["etag"]}
    )
    assert theirs.status_code == 200  # a page shows its reader: never another's copy
