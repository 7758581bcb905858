"""Every word maintenance adds to the pages has its Simplified Chinese translation."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_file

from backend.pages import i18n
from backend.settings import PWA

TEMPLATES = PWA / "templates"
SAME = {"SLA", "VIP", "OpenStreetMap"}
PAGES = [
    TEMPLATES / "report.html",
    TEMPLATES / "office" / "work_order.html",
    TEMPLATES / "customer" / "request_view.html",
    TEMPLATES / "app" / "strings.html",
    TEMPLATES / "app" / "proof_strings.html",
    TEMPLATES / "app" / "job.html",
    TEMPLATES / "app" / "day.html",
    TEMPLATES / "app" / "layout.html",
    TEMPLATES / "boards" / "dispatch.html",
]


def test_every_word_of_the_report_and_the_engineer_s_day_is_translated():
    i18n.catalogs.cache_clear()
    chinese = i18n.translations("zh_CN")
    found = set()
    for path in PAGES:
        for _, message, _, _ in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert "Service report #%(id)s" in found
    words = {m for m in found if re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)s", "", m))}
    assert sorted(m for m in words if chinese.gettext(m) == m and m not in SAME) == []
