"""The PWA's shell in Chromium: signing in to each role's app, installability by Chromium's own
check, and the pages at a phone's narrowest width."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from tests.support.factories import staff
from tests.support.loop import SITE, engineer, world
from tests.support.staff_app import fits_the_screen, phone, sign_in, until_ready_offline

WRONG_PASSWORD = "Failed to load resource: the server responded with a status of 401"


async def test_sign_in_opens_each_roles_app(api, server):
    rep = await staff(api, "rep")
    supervisor = await staff(api, "supervisor")
    w = await world(api)
    me = await engineer(api, w, 2)
    async with phone(server, tolerate=(WRONG_PASSWORD,)) as (_, page):
        await page.goto(f"{server}/engineer")  # not signed in: to the form, and back after
        await page.wait_for_url(f"{server}/login?next=%2Fengineer")
        await page.get_by_label("Email").fill(me.email)
        await page.get_by_label("Password").fill("not the password")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_have_text(
            "Sign-in failed. Check your email and password."
        )
        await sign_in(page, server, me, "/engineer")
        await fits_the_screen(page)

    async with phone(server) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await expect(page.get_by_role("heading", name="Today's visits")).to_be_visible()
        await fits_the_screen(page)
        for path in ("/rep/accounts", "/rep/route"):
            await page.goto(f"{server}{path}")
            await fits_the_screen(page)
        # The engineer's app is not the rep's: back to his own.
        await page.goto(f"{server}/engineer")
        await page.wait_for_url(f"{server}/rep")

    async with phone(server) as (_, page):
        await sign_in(page, server, supervisor, "/")
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def test_chromium_finds_the_app_installable(api, server, tmp_path: Path):
    """DevTools' Page.getInstallabilityErrors: a real profile (an incognito one never installs)."""
    w = await world(api)
    me = await engineer(api, w, 2)
    async with phone(server, profile=tmp_path / "profile", position=SITE) as (context, page):
        await page.goto(f"{server}/login")
        await page.evaluate("navigator.serviceWorker.ready")
        devtools = await context.new_cdp_session(page)
        assert await devtools.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        manifest = await devtools.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"] == f"{server}/manifest.webmanifest"

        await sign_in(page, server, me, "/engineer")
        await until_ready_offline(page)
        assert await devtools.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == f"{server}/"
