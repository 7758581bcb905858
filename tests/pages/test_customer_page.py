"""The customer's pages behind the QR sticker, through HTTP: device, tracking, languages, 404s."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.messages.extract import extract_from_dir
from httpx import Response

from backend import ratelimit
from backend.pages import i18n
from backend.settings import PWA, get_settings
from tests.support.factories import device
from tests.support.loop import completed_job, engineer, file_request, world

TEMPLATES = PWA / "templates"


def html(response: Response, status: int = 200) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_device_page_shows_product_serial_and_warranty(api):
    w = await world(api)
    installed = datetime.now(UTC).date() - timedelta(days=30)
    current = await device(
        api, w.admin, w.account["id"], w.product["id"], installed_on=str(installed)
    )
    old = await device(api, w.admin, w.account["id"], w.product["id"], installed_on="2020-01-15")

    page = html(await api.get(f"/q/{w.token}"))
    assert w.product["name"] in page
    assert w.device["serial"] in page
    assert "Warranty status unknown" in page  # no installation date, no warranty end
    assert "Report a problem" in page
    assert 'id="fl-strings"' in page  # the script's words come from the page

    until = date.fromisoformat(current["warranty_until"])
    page = html(await api.get(current["qr_url"].removeprefix("http://fieldline.test")))
    assert current["serial"] in page
    assert f"In warranty until {until:%B} {until.day}, {until.year}" in page

    page = html(await api.get(old["qr_url"].removeprefix("http://fieldline.test")))
    assert "Warranty ended January 15, 2022" in page


async def test_unknown_and_rotated_tokens_get_a_404_page(api):
    w = await world(api)
    unknown = await api.get("/q/not-a-real-token")
    assert "We could not find this page" in html(unknown, 404)

    rotated = await api.post(f"/api/devices/{w.device['id']}/qr/rotate", headers=w.admin.headers)
    assert rotated.status_code == 200, rotated.text
    assert "We could not find this page" in html(await api.get(f"/q/{w.token}"), 404)
    fresh_token = rotated.json()["qr_url"].rsplit("/", 1)[1]
    assert w.device["serial"] in html(await api.get(f"/q/{fresh_token}"))


async def test_chinese_from_accept_language_or_lang_parameter(api):
    w = await world(api)
    page = html(await api.get(f"/q/{w.token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert '<html lang="zh-CN">' in page
    for words in ("我要报修", "序列号", "保修状态未知", "提交报修", "您的姓名"):
        assert words in page
    assert "Report a problem" not in page

    chosen = await api.get(f"/q/{w.token}?lang=zh_CN", headers={"Accept-Language": "en-US"})
    assert "我要报修" in html(chosen)
    assert chosen.headers["content-language"] == "zh-CN"
    assert chosen.cookies.get("fl_lang") == "zh_CN"  # remembered for the next pages

    remembered = await api.get(f"/q/{w.token}", headers={"Accept-Language": "en-US"})
    assert "我要报修" in html(remembered)  # the cookie beats Accept-Language
    back = await api.get(f"/q/{w.token}?lang=en")
    assert "Report a problem" in html(back)  # ?lang= beats the cookie
    api.cookies.clear()

    missing = await api.get("/q/nope", headers={"Accept-Language": "zh-TW"})
    assert "找不到该页面" in html(missing, 404)


async def test_chinese_dates_and_script_strings(api):
    w = await world(api)
    old = await device(api, w.admin, w.account["id"], w.product["id"], installed_on="2020-01-15")
    path = old["qr_url"].removeprefix("http://fieldline.test")
    page = html(await api.get(f"{path}?lang=zh_CN"))
    assert "保修已于 2022年1月15日 到期" in page
    strings = json.loads(re.search(r'id="fl-strings">(.*?)</script>', page, re.S)[1])
    assert strings["field.phone"].startswith("请填写能联系到您的电话号码")  # device.js shows it
    assert strings["too_many_seconds"] == "请求过于频繁，请在 {seconds} 秒后重试。"
    api.cookies.clear()


async def test_open_requests_and_the_tracking_page(api):
    w = await world(api)
    await engineer(api, w, 2)
    filed = await file_request(api, w.token, "Water on the floor")

    page = html(await api.get(f"/q/{w.token}"))
    assert f'href="/q/{w.token}/requests/{filed["id"]}"' in page
    assert "Water on the floor" in page
    assert "Finding an engineer" in page  # offered: the customer sees progress, not who said no

    tracking = html(await api.get(f"/q/{w.token}/requests/{filed['id']}"))
    assert 'data-status="offered"' in tracking
    assert "Request received" in tracking
    assert "*******8000" in tracking  # masked by the service
    assert "138 0013 8000" not in tracking
    assert "王先生" not in tracking
    assert 'id="rating-form"' not in tracking  # no rating before the job is done

    chinese = html(await api.get(f"/q/{w.token}/requests/{filed['id']}?lang=zh_CN"))
    assert "正在安排工程师" in chinese
    assert "报修已提交" in chinese
    api.cookies.clear()


async def test_rating_form_once_completed_then_thanks(api):
    w = await world(api)
    job = await completed_job(api, w)
    path = f"/q/{w.token}/requests/{job}"

    page = html(await api.get(path))
    assert 'data-status="completed"' in page
    assert 'id="rating-form"' in page
    assert f'data-action="/api/public/devices/{w.token}/requests/{job}/rating"' in page
    assert "The engineer arrived" in page
    assert "The job was completed" in page

    rated = await api.post(
        f"/api/public/devices/{w.token}/requests/{job}/rating",
        json={"score": 4, "comment": "Quick"},
    )
    assert rated.status_code == 201, rated.text
    page = html(await api.get(path))
    assert 'data-status="rated"' in page
    assert "Thank you for your feedback!" in page
    assert 'aria-label="4 out of 5 stars"' in page
    assert 'id="rating-form"' not in page


async def test_another_devices_request_is_a_404_page(api):
    w = await world(api)
    await engineer(api, w, 2)
    filed = await file_request(api, w.token)
    other = await device(api, w.admin, w.account["id"], w.product["id"])
    other_token = other["qr_url"].rsplit("/", 1)[1]

    foreign = await api.get(f"/q/{other_token}/requests/{filed['id']}")
    assert "We could not find this page" in html(foreign, 404)
    assert "No cooling at all" not in foreign.text
    for bad_id in ("abc", "0", "99999999999", "1e3", "²"):
        assert html(await api.get(f"/q/{w.token}/requests/{bad_id}"), 404)
    assert html(await api.get(f"/q/nope/requests/{filed['id']}"), 404)


async def test_rate_limited_pages_say_how_long_to_wait(api):
    w = await world(api)
    settings = get_settings()
    now = datetime.now(UTC)
    # Fill this window and the next, so the page is refused even if a window ends meanwhile.
    for at in (now, now + settings.public_rate_window):
        for _ in range(settings.public_rate_limit):
            await ratelimit.hit(
                "public:127.0.0.1", settings.public_rate_limit, settings.public_rate_window, at
            )

    refused = await api.get(f"/q/{w.token}")
    page = html(refused, 429)
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= settings.public_rate_window.total_seconds()
    assert re.search(r"Please try again in \d+ (seconds|minutes)", page)


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        (None, None, "zh-Hant-TW", "zh_CN"),
        (None, None, "en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        (None, None, "fr-FR, zh;q=0.5", "zh_CN"),  # the first language we speak
        (None, None, "zh;q=0.2, en;q=0.7", "en"),  # q-values, not the order, decide
        (None, None, "zh;q=0, de", "en"),
        (None, None, "de-DE", "en"),
        (None, "zh_CN", "en", "zh_CN"),
        (None, "klingon", "zh", "zh_CN"),
        ("en", "zh_CN", "zh", "en"),
        ("zh-cn", None, "en", "zh_CN"),
        ("xx", "zh_CN", "en", "zh_CN"),  # an unknown ?lang= is ignored
    ],
)
def test_language_negotiation(query, cookie, accept, expected):
    assert i18n.negotiate(query, cookie, accept).locale == expected


def test_every_template_message_is_translated_to_chinese():
    catalog = i18n.translations("zh_CN")
    found = extract_from_dir(
        TEMPLATES, [("**.html", "jinja2")], {"**.html": {"extensions": "jinja2.ext.i18n"}}
    )
    messages = [message for _, _, message, *_ in found]
    assert len(messages) > 50
    for message in messages:
        if isinstance(message, tuple):
            assert catalog.ngettext(message[0], message[1], 2) != message[1], message
        else:
            assert catalog.gettext(message) != message, message


async def test_service_worker_is_served_at_the_root(api):
    response = await api.get("/sw.js")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"  # scope: every page
    assert response.headers["cache-control"] == "no-cache"  # never a stale worker
    assert "attachment" not in response.headers.get("content-disposition", "")
    script = response.text
    for handled in ('"push"', '"notificationclick"', '"message"', "showNotification"):
        assert handled in script
    assert "issue 4" in script  # the staff PWA extends this file, not a second worker


async def test_follow_block_only_while_the_job_is_open(api):
    w = await world(api)
    await engineer(api, w, 2)
    filed = await file_request(api, w.token)
    page = html(await api.get(f"/q/{w.token}/requests/{filed['id']}?lang=zh_CN"))
    assert 'id="follow"' in page
    assert f'data-action="/api/public/devices/{w.token}/requests/{filed["id"]}/push"' in page
    assert "有进展时通知我" in page
    # The worker's words for this request come from the catalog, in the visitor's language.
    texts = json.loads(re.search(r'id="fl-push">(.*?)</script>', page, re.S)[1])
    assert texts["title"] == f"报修单 #{filed['id']}：{{status}}"
    assert texts["statuses"]["accepted"] == "已派工程师"
    assert texts["hints"]["accepted"] == "工程师已接单，即将出发。"
    strings = json.loads(re.search(r'id="fl-strings">(.*?)</script>', page, re.S)[1])
    assert strings["push.failed"].startswith("无法在这台手机上开启通知")
    api.cookies.clear()

    done = await completed_job(api, w)
    assert 'id="follow"' not in html(await api.get(f"/q/{w.token}/requests/{done}"))
