"""What every back-office page must be in Chromium, whatever it shows: no sideways scroll, nothing
past the right edge, no header squeezed to a letter a line, no raw JSON or template code; and in
Chinese no English left on its navigation, headings, labels and buttons but the data's own names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from playwright.async_api import Page

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) problems.push("page scrolls sideways");
  const text = document.body.innerText.trim();
  if (text.startsWith("{") || text.startsWith("[")) problems.push("raw JSON");
  if (/\\{\\{|\\{%|%\\(\\w+\\)s/.test(text)) problems.push("template code on the page");
  for (const el of document.querySelectorAll(".office-content *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest(".scroll, .leaflet-container"))
      problems.push("past the right edge: " + el.tagName + "." + el.className);
  }
  for (const el of document.querySelectorAll("th, .chip, .office-nav a, button")) {
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const box = el.getBoundingClientRect();
    if (box.width && box.width < parseFloat(style.fontSize) * 1.6 && box.height > line * 2.5)
      problems.push("squeezed, a letter per line: " + el.tagName + " " + el.innerText.slice(0, 20));
  }
  return [...new Set(problems)].slice(0, 10);
}"""
UNTRANSLATED = """() => [...document.querySelectorAll(
    ".office-nav a, .office-content h1, .office-content h2, .office-content th, "
    + ".office-content label, .office-content button, .office-content .button")]
  .map((el) => el.innerText.trim())
  .filter((t) => /[A-Za-z]{3,}/.test(t) && !/[\\u4e00-\\u9fff]/.test(t))"""
# Words the same in both languages, and names the data carries (products, serials, the
# factories' people).
NOT_WORDS = re.compile(
    r"^(CSV|XLSX|VIP|SLA|SKU|API.OpenAPI.|JSON|[#\w-]*\d[\w-]*|Oakridge.*|.*·.*"
    r"|(Admin|Supervisor|Rep|Engineer) \d+)$"
)


def english_left(text: str, names: Iterable[str] = ()) -> bool:
    """English words left once the data's names are taken out of the text."""
    for name in names:
        text = text.replace(name, "")
    text = text.strip(" ·-:")
    return bool(text) and not NOT_WORDS.match(text) and re.search("[A-Za-z]{3,}", text) is not None


async def check_page(
    page: Page,
    path: str,
    locale: str,
    *,
    names: Iterable[str] = (),
    shots: Path | None = None,
) -> None:
    """The page as it stands: its layout, and in Chinese its words (screenshotted when asked)."""
    if shots is not None:
        name = re.sub(r"\W+", "-", path.strip("/")) or "home"
        width = page.viewport_size["width"] if page.viewport_size else 0
        await page.screenshot(path=shots / f"{locale}-{width}-{name}.png", full_page=True)
    assert await page.evaluate(LAYOUT_PROBLEMS) == [], path
    if locale == "zh-CN":
        shown = await page.evaluate(UNTRANSLATED)
        assert [t for t in shown if english_left(t, names)] == [], path


async def open_and_check(
    page: Page,
    url: str,
    path: str,
    locale: str,
    *,
    names: Iterable[str] = (),
    shots: Path | None = None,
) -> None:
    """Opens the page (a 200, settled) and checks it."""
    response = await page.goto(url)
    assert response is not None, path
    assert response.status == 200, path
    await page.wait_for_load_state("networkidle")
    await check_page(page, path, locale, names=names, shots=shots)
