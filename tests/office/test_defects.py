"""Defects of issue 13 that an HTTP client sees: the favicon, API docs served from our origin,
CSV-free parts of the boards' filters."""

from __future__ import annotations

import re


async def test_there_is_a_favicon(api):
    icon = await api.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/png"
    assert icon.content.startswith(b"\x89PNG")


async def test_the_api_docs_load_nothing_from_another_origin(api):
    page = await api.get("/schema")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', page.text)
    assert sources, page.text[:500]
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    for source in sources:
        served = await api.get(source)
        assert served.status_code == 200, source
    assert "swagger-ui-bundle.js" in page.text


def test_the_readme_says_what_make_run_needs_npm_included():
    """Issue 13 defect 9: the README said Python and `make` suffice; `make run` needs npm."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    needs = re.search(r"need Python[^\n]*\n[^\n]*", readme)  # the sentence, over its line break
    assert needs is not None, "the README says what the commands need"
    assert "npm" in needs.group(0)
