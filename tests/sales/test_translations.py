"""Every word of the rep's sales screens (leads, pool, pipeline) has its Chinese translation,
and the pages render in both languages with the script's word table."""

from __future__ import annotations

import json
import re

from babel.messages.extract import extract_from_file

from backend.pages import i18n
from backend.settings import PWA
from tests.support.factories import team

SCREENS = ("leads.html", "pool.html", "pipeline.html", "account.html", "sales_strings.html")


def test_every_word_of_the_sales_screens_is_translated():
    i18n.catalogs.cache_clear()
    chinese = i18n.translations("zh_CN")
    found: set[str] = set()
    for name in SCREENS:
        path = PWA / "templates" / "app" / name
        for _, message, _, _ in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert len(found) > 60
    assert sorted(m for m in found if chinese.gettext(m) == m) == []


async def test_the_rep_opens_his_sales_screens_in_both_languages(api):
    rep = (await team(api))["rep"]
    for path, word_en, word_zh in (
        ("/rep/leads", "Add lead", "添加线索"),
        ("/rep/pool", "Public pool", "公海"),
        ("/rep/pipeline", "Pipeline", "商机"),
    ):
        for lang, word in (("en", word_en), ("zh-CN", word_zh)):
            page = await api.get(f"{path}?lang={lang}", headers=rep.headers)
            assert page.status_code == 200, page.text[:300]
            assert word in page.text
            strings = re.search(
                r'<script type="application/json" id="fl-strings">(.*?)</script>', page.text, re.S
            )
            assert strings is not None
            table = json.loads(strings.group(1))["sales"]
            assert table["why"]["recycled"] == ("Recycled by rule" if lang == "en" else "规则回收")
