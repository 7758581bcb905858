"""Every word of the back office's pages has its Simplified Chinese translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_file

from backend.pages import i18n
from backend.settings import PWA

BACKEND_PAGES = PWA.parent / "backend" / "pages"
# Words that are the same in Chinese.
SAME = {"VIP", "CSV", "XLSX", "API", "SLA", "ID"}


def office_messages() -> set[str]:
    templates = PWA / "templates"
    files = [
        *sorted((templates / "office").glob("*.html")),
        *sorted((templates / "boards").glob("*.html")),
    ]
    files += [templates / "error.html", templates / "labels.html"]
    found: set[str] = set()
    for path in files:
        for _, message, _, _ in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    for module in sorted(BACKEND_PAGES.glob("*.py")):
        for _, message, _, _ in extract_from_file("python", str(module), keywords={"N_": None}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_word_of_the_back_office_is_translated():
    i18n.catalogs.cache_clear()
    chinese = i18n.translations("zh_CN")
    messages = office_messages()
    assert len(messages) > 100  # the extraction found the templates' words
    untranslated = sorted(m for m in messages if chinese.gettext(m) == m and m not in SAME)
    assert untranslated == []
