"""The pages' languages: one gettext catalog per domain beside messages.po, merged per locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.pages import i18n

HEADER = """msgid ""
msgstr ""
"Language: zh_CN\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""


def _catalog(folder: Path, domain: str, entries: dict[str, str]) -> None:
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    (folder / f"{domain}.po").write_text(HEADER + body, encoding="utf-8")


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogs.cache_clear()
    yield folder
    i18n.catalogs.cache_clear()


def test_every_domain_catalog_is_merged(locale_dir):
    _catalog(locale_dir, "messages", {"Sign in": "登录"})
    _catalog(locale_dir, "sales", {"Leads": "线索"})
    _catalog(locale_dir, "office", {"Contracts": "合同"})
    zh = i18n.translations("zh_CN")
    assert [zh.gettext(m) for m in ("Sign in", "Leads", "Contracts", "Other")] == [
        "登录",
        "线索",
        "合同",
        "Other",
    ]


def test_a_locale_without_catalogs_speaks_english(locale_dir):
    assert i18n.translations("zh_CN").gettext("Leads") == "Leads"


def test_the_real_catalogs_load():
    i18n.catalogs.cache_clear()
    assert i18n.translations("zh_CN").gettext("Sign in") != "Sign in"


def test_no_message_is_translated_two_ways():
    """The catalogs are merged into one, the last file's word winning: an English message that two
    catalogs translate differently would read one way or the other by the files' order. A message
    whose meaning differs by place needs a message of its own ("Rows created" beside "Created")."""
    from babel.messages.pofile import read_po

    words: dict[str, dict[str, str]] = {}
    for po_file in sorted((i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    text = message.string if isinstance(message.string, str) else message.string[0]
                    words.setdefault(msgid, {})[po_file.name] = text
    two_ways = {m: seen for m, seen in words.items() if len(set(seen.values())) > 1}
    assert two_ways == {}
