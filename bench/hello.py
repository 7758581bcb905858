"""The baseline of bench/load.py: a bare Litestar app answering one small JSON document."""

from __future__ import annotations

from litestar import Litestar, get


@get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


app = Litestar([hello])
