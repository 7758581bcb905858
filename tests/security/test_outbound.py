"""The outbound-URL guard (backend/outbound.py): every notation of an inside address refused,
push endpoints only on push services, checked again at connection time (DNS rebinding)."""

from __future__ import annotations

import logging

import pytest

from backend import db, outbound, tasks
from backend.outbound import OutboundRefused, check_url, guarded_client
from backend.push import service
from tests.support.factories import staff
from tests.support.loop import file_request, world
from tests.support.outbound import DNS, allowing
from tests.support.push_receiver import Browser, PushReceiver
from tests.support.push_subscribers import SUBSCRIPTIONS, stored

PUBLIC = "93.184.216.34"  # an address on the internet (nothing is ever sent to it)


@pytest.fixture(autouse=True)
def names():
    """The tests' DNS: a public name, and names that point (also) inside."""
    DNS.update(
        {
            "public.example": [PUBLIC],
            "inside.example": ["127.0.0.1"],
            "mixed.example": [PUBLIC, "10.0.0.1"],
            "v6.example": ["::1"],
            "mapped.example": ["::ffff:10.0.0.1"],
            "metadata.example": ["169.254.169.254"],
        }
    )
    yield
    DNS.clear()


REFUSED = [
    # 127.0.0.1 in every spelling resolvers accept
    "https://127.0.0.1/x",
    "https://127.1:9555/x",
    "https://127.0.1/x",
    "https://2130706433:9555/x",
    "https://0x7f000001:9555/x",
    "https://0x7F000001/x",
    "https://017700000001:9555/x",
    "https://0177.0.0.1/x",
    "https://0x7f.1/x",
    "https://127.0.0.1./x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:7f00:1]/x",
    "https://[0:0:0:0:0:ffff:7f00:1]/x",
    # other inside, unusable or special addresses
    "https://0/x",
    "https://0.0.0.0/x",
    "https://[::]/x",
    "https://10.0.0.1/x",
    "https://172.16.5.4/x",
    "https://192.168.1.1/x",
    "https://100.64.0.1/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/x",
    "https://[fc00::1]/x",
    "https://[fd12:3456::1]/x",
    "https://224.0.0.1/x",
    "https://[ff02::1]/x",
    "https://240.0.0.1/x",
    "https://255.255.255.255/x",
    "https://192.0.2.1/x",
    "https://[2002:7f00:1::1]/x",  # 6to4 of 127.0.0.1
    "https://[64:ff9b::a00:1]/x",  # NAT64 of 10.0.0.1
    "https://[2001:db8::1]/x",
    # names that resolve inside, or to a mix
    "https://inside.example/x",
    "https://mixed.example/x",
    "https://v6.example/x",
    "https://mapped.example/x",
    "https://metadata.example/x",
    "https://localhost/x",
    "https://unknown.example/x",  # does not resolve
    # not a URL the server may request at all
    "http://public.example/x",
    "ftp://public.example/x",
    "file:///etc/passwd",
    "https://user:secret@public.example/x",
    "https://user@public.example/x",
    "https:///x",
    "https://999.1.1.1/x",
    "https://1.2.3.4.5/x",
    "https://public.example:99999/x",
    "https://public.example\n/x",
    "https://exämple.com/x",
]


@pytest.mark.parametrize("url", REFUSED)
def test_inside_and_malformed_urls_are_refused(url):
    with pytest.raises(OutboundRefused):
        check_url(url, purpose="webhook")
    with pytest.raises(OutboundRefused):
        check_url(url, purpose="push")


@pytest.mark.parametrize(
    "url", ["https://public.example/hook", f"https://{PUBLIC}/hook", "https://public.example:8443/"]
)
def test_public_urls_pass_for_webhooks(url):
    check_url(url, purpose="webhook")


@pytest.mark.parametrize(
    "url",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
        "https://web.push.apple.com/abc",
        "https://api.push.apple.com/3/device/abc",
    ],
)
def test_known_push_services_pass(url):
    check_url(url, purpose="push")


@pytest.mark.parametrize(
    "url",
    [
        "https://public.example/x",  # public, but no push service
        "https://push.services.mozilla.com/x",  # *. matches below the name only
        "https://fcm.googleapis.com.public.example/x",
        "https://evil-fcm.googleapis.com/x",
        f"https://{PUBLIC}/x",
    ],
)
def test_push_endpoints_must_be_on_a_push_service(url):
    with pytest.raises(OutboundRefused, match="push service"):
        check_url(url, purpose="push")


def test_a_push_service_name_pointing_inside_is_refused():
    DNS["fcm.googleapis.com"] = ["10.1.2.3"]
    with pytest.raises(OutboundRefused, match="private"):
        check_url("https://fcm.googleapis.com/fcm/send/abc", purpose="push")


def test_the_allow_list_and_the_development_flag_are_explicit():
    url = "http://127.0.0.1:9555/x"
    with allowing("127.0.0.1", http=False), pytest.raises(OutboundRefused, match="https"):
        check_url(url, purpose="push")
    with allowing(http=True), pytest.raises(OutboundRefused):
        check_url(url, purpose="push")
    with allowing("127.0.0.1", http=True):
        check_url(url, purpose="push")
        check_url(url, purpose="webhook")
    with allowing("public.example", http=False):  # a host name widens the push services only
        check_url("https://public.example/x", purpose="push")
        with pytest.raises(OutboundRefused):
            check_url("https://inside.example/x", purpose="push")


@pytest.mark.parametrize("endpoint", ["https://127.1:9555/x", "https://2130706433:9555/x"])
async def test_staff_subscription_to_an_inside_endpoint_is_400(api, endpoint):
    who = await staff(api, "engineer")
    body = Browser.new().subscription(endpoint)
    response = await api.post(SUBSCRIPTIONS, json=body, headers=who.headers)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["endpoint"]
    assert await stored() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.1:9555/x",
        "https://2130706433:9555/x",
        "https://0x7f000001:9555/x",
        "https://017700000001:9555/x",
        "https://public.example/x",
    ],
)
async def test_public_qr_subscription_to_an_inside_endpoint_is_400(api, endpoint):
    w = await world(api)
    job = (await file_request(api, w.token))["id"]
    body = Browser.new().subscription(endpoint)
    path = f"/api/public/devices/{w.token}/requests/{job}/push"
    response = await api.post(path, json=body)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["endpoint"]
    assert await stored() == []


async def test_a_stored_endpoint_pointing_inside_is_not_contacted(api, caplog):
    """A subscription stored before the guard (or behind its back) is refused at send time."""
    who = await staff(api, "engineer")
    browser = Browser.new()
    async with PushReceiver() as receiver:
        endpoint = receiver.url("/push/1").replace("http://", "https://")
        await db.execute(
            """INSERT INTO push_subscription (endpoint, p256dh, auth, "user", created_at)
               VALUES ($1, $2, $3, $4, now())""",
            endpoint,
            browser.p256dh,
            browser.auth,
            who.id,
        )
        with caplog.at_level(logging.WARNING, "fieldline.push"):
            service.notify_user(who.id, {"n": 1})
            await tasks.drain()
        assert receiver.requests == []
    assert await stored() == []
    assert "refused" in caplog.text


async def test_dns_rebinding_is_caught_at_connection_time():
    """The name was public when checked; when the connection opens it points inside."""
    async with PushReceiver() as receiver:
        url = f"http://rebind.example:{receiver.port}/push/1"
        with allowing(http=True):
            DNS["rebind.example"] = [PUBLIC]
            check_url(url, purpose="webhook")
            DNS["rebind.example"] = ["127.0.0.1"]
            async with guarded_client("webhook", timeout=5) as client:
                with pytest.raises(OutboundRefused, match="loopback"):
                    await client.post(url, content=b"{}")
        assert receiver.requests == []
        # The address connected to is the one checked: allowed, the tests' DNS is what is used.
        with allowing("127.0.0.1", http=True):
            async with guarded_client("webhook", timeout=5) as client:
                response = await client.post(url, content=b"{}")
        assert response.status_code == 201
        assert len(receiver.requests) == 1


async def test_redirects_are_not_followed():
    async with PushReceiver() as receiver:
        receiver.answer("/push/1", 307)
        with allowing("127.0.0.1", http=True):
            async with guarded_client("webhook", timeout=5) as client:
                assert client.follow_redirects is False
                response = await client.post(receiver.url("/push/1"), content=b"{}")
        assert response.status_code == 307
        assert len(receiver.requests) == 1


def test_the_guard_is_the_one_the_push_sender_uses():
    assert service.check_url is outbound.check_url
    assert service.guarded_client is outbound.guarded_client
