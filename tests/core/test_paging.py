"""db.fetch_page: a page and its total in one statement, in the page's order, and the total still
there for a page past the end."""

from __future__ import annotations

from backend import db

NUMBERS = "SELECT g AS n, g % 3 AS r, 'x' AS n_text FROM generate_series(1, 30) g"


async def test_a_page_comes_in_order_with_the_total_of_the_filter(api):
    rows, total = await db.fetch_page(NUMBERS, "g % 3 = $1", [1], "n DESC", 4, 2)
    assert total == 10  # 1, 4, … 28
    assert [r["n"] for r in rows] == [22, 19, 16, 13]


async def test_a_page_past_the_end_is_empty_and_still_counts(api):
    rows, total = await db.fetch_page(NUMBERS, "TRUE", [], "n", 10, 30)
    assert (rows, total) == ([], 30)
    rows, total = await db.fetch_page(NUMBERS, "g > $1", [99], "n", 10, 0)
    assert (rows, total) == ([], 0)


async def test_every_row_of_a_long_page_keeps_its_place(api):
    rows, total = await db.fetch_page(NUMBERS, "TRUE", [], "r, n DESC", 30, 0)
    assert total == 30
    expected = sorted(range(1, 31), key=lambda n: (n % 3, -n))
    assert [r["n"] for r in rows] == expected
