"""Languages of the pages: gettext catalogs read with Babel, chosen per request, used by Jinja."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.response.base import ASGIResponse
from markupsafe import Markup

from backend.settings import PWA, get_settings

LOCALE_DIR = PWA / "locale"
DEFAULT_LOCALE = "en"
# English is the source language of every message, so it needs no catalog.
LOCALES = ("en", "zh_CN")
COOKIE = "fl_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Choice:
    locale: str
    from_query: bool  # picked with ?lang=, so it is remembered in the cookie


def supported(tag: str | None) -> str | None:
    """Maps a language tag (zh, zh-CN, zh_Hans, en-GB, …) to one of LOCALES, or None."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"  # the only Chinese we write is Simplified
    if tag == "en" or tag.startswith("en_"):
        return "en"
    return None


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most (q-values honoured), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        locale = supported(tag)
        if locale and quality > 0:
            ranked.append((-quality, position, locale))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> Choice:
    """?lang= first, then the fl_lang cookie, then Accept-Language, else English."""
    if locale := supported(query):
        return Choice(locale, from_query=True)
    locale = supported(cookie) or from_accept_language(accept_language or "")
    return Choice(locale or DEFAULT_LOCALE, from_query=False)


def choose(request: Request[Any, Any, Any]) -> Choice:
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(COOKIE),
        request.headers.get("accept-language"),
    )


def remember(choice: Choice) -> list[Cookie]:
    """The cookie that keeps a language picked with ?lang= for the next pages."""
    if not choice.from_query:
        return []
    return [
        Cookie(
            key=COOKIE,
            value=choice.locale,
            max_age=COOKIE_MAX_AGE,
            samesite="lax",
            secure=get_settings().secure_cookies,
        )
    ]


def _compile(po_file: Path, locale: str) -> Translations:
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=locale)
    mo = BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out, as msgfmt does
    mo.seek(0)
    return Translations(mo)


def _load(po_file: Path, locale: str) -> NullTranslations:
    """The compiled catalog (`make` runs `pybabel compile`); the .po itself when that is stale."""
    mo_file = po_file.with_suffix(".mo")
    if mo_file.exists() and mo_file.stat().st_mtime >= po_file.stat().st_mtime:
        with mo_file.open("rb") as compiled:
            return Translations(compiled)
    return _compile(po_file, locale)  # a fresh checkout or an edited .po, before `make`


@cache
def catalogs() -> dict[str, NullTranslations]:
    """Every locale's translations, read once from pwa/locale/<locale>/LC_MESSAGES/: messages.po
    and one catalog per domain beside it (sales.po, office.po, …), merged into one."""
    found: dict[str, NullTranslations] = {}
    for locale in LOCALES:
        merged: NullTranslations = NullTranslations()
        for po_file in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
            loaded = _load(po_file, locale)
            if isinstance(merged, Translations) and isinstance(loaded, Translations):
                merged.merge(loaded)
            else:
                merged = loaded
        found[locale] = merged
    return found


def translations(locale: str) -> NullTranslations:
    return catalogs().get(locale) or catalogs()[DEFAULT_LOCALE]


def _newstyle(translated: NullTranslations) -> tuple[Any, Any]:
    """gettext and ngettext as Jinja's newstyle i18n expects: `_("%(n)s left", n=3)`, escaped."""

    @pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        text = translated.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # the catalog is trusted; the variables are escaped by %
        return text % variables

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = translated.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext, ngettext


def template_context(locale: str) -> dict[str, Any]:
    """What a template needs to speak the request's language; merge it into the render context.

    Per render, not in the environment's globals: concurrent requests each keep their language.
    """
    gettext, ngettext = _newstyle(translations(locale))
    return {
        "gettext": gettext,
        "ngettext": ngettext,
        "locale": locale,
        "html_lang": locale.replace("_", "-"),
        "format_date": lambda value, style="long": _date(value, style, locale),
        "format_datetime": lambda value, style="short": _datetime(value, style, locale),
    }


def _date(value: date | None, style: str, locale: str) -> str:
    return format_date(value, format=style, locale=locale) if value else ""


def _datetime(value: datetime | None, style: str, locale: str) -> str:
    # The server knows no visitor's time zone: UTC, said so; the page's script re-renders the
    # <time> in the phone's own zone.
    if not value:
        return ""
    return f"{format_datetime(value, format=style, tzinfo=UTC, locale=locale)} UTC"


class Page(Template):
    """A rendered page with an ETag: a hash of the page as rendered for its reader (language,
    role, name), so readers never share one and any changed byte makes a new one. A browser that
    sends it back (If-None-Match) while nothing changed gets 304 and no body. Pages still say
    no-cache where they did: the browser asks each time, the answer is just smaller."""

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> Any:
        response = super().to_asgi_response(app, request, **kwargs)
        if response.status_code != 200:
            return response
        etag = 'W/"' + hashlib.sha256(response.body).hexdigest()[:24] + '"'
        asked = request.headers.get("if-none-match", "")
        if etag in (tag.strip() for tag in asked.split(",")):
            return ASGIResponse(
                body=b"",
                status_code=304,
                headers={**self.headers, "ETag": etag},
                cookies=self.cookies,
            )
        response.headers.add("ETag", etag)
        return response


def render(
    request: Request[Any, Any, Any],
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    """A page in the request's language, remembering a language picked with ?lang=."""
    choice = choose(request)
    localized = template_context(choice.locale)
    return Page(
        template_name,
        context={**localized, **(context or {})},
        status_code=status_code,
        cookies=remember(choice),
        headers={
            "Content-Language": localized["html_lang"],
            "Vary": "Accept-Language, Cookie",
            **(headers or {}),
        },
    )


def install(engine: JinjaTemplateEngine) -> None:
    """TemplateConfig's engine_callback: adds {% trans %} and _() to the Jinja environment.

    English stays the fallback for templates rendered without template_context().
    """
    catalogs()  # read the catalogs at startup, so a broken .po file fails the start
    environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    # Added by the extension at run time, hence unknown to the type checker.
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
