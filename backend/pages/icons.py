"""Draws the PWA's icons (a location pin over a route line) into pwa/static/icons/.

Run `python -m backend.pages.icons` after changing the drawing; the PNGs are committed, so
serving them needs no Pillow. Each icon is drawn 4× larger and scaled down, which gives smooth
edges without any anti-aliasing support in ImageDraw.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from backend.settings import PWA

OUT = PWA / "static" / "icons"
BRAND = (15, 92, 140, 255)  # --brand in app.css
ACCENT = (255, 183, 3, 255)  # the route: the one warm colour of the palette
WHITE = (255, 255, 255, 255)
SCALE = 4


def _pin(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """A map pin whose round head has centre (cx, cy) and radius r; its tip is 1.9 r below."""
    tip = cy + 1.9 * r
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    # The tapered body: a triangle from the head's widest tangent points down to the tip.
    shoulder = cy + 0.5 * r
    draw.polygon([(cx - 0.86 * r, shoulder), (cx + 0.86 * r, shoulder), (cx, tip)], fill=WHITE)
    hole = 0.42 * r
    draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=BRAND)


def _route(draw: ImageDraw.ImageDraw, size: float, inset: float) -> None:
    """The day's route: a dashed zig-zag under the pin."""
    span = size - 2 * inset
    points = [
        (inset + 0.05 * span, inset + 0.92 * span),
        (inset + 0.35 * span, inset + 0.78 * span),
        (inset + 0.62 * span, inset + 0.93 * span),
        (inset + 0.95 * span, inset + 0.74 * span),
    ]
    draw.line(points, fill=ACCENT, width=round(0.055 * span), joint="curve")


def draw(size: int, *, maskable: bool) -> Image.Image:
    """The icon at size × size pixels.

    A maskable icon fills the whole square (the launcher cuts its own shape) and keeps the drawing
    inside the central 80 % circle; the plain icon is a rounded square on transparency.
    """
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BRAND)
        inset = big * 0.2  # the safe zone is a circle of radius 0.4 × size
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=BRAND)
        inset = big * 0.12
    span = big - 2 * inset
    _route(pen, big, inset)
    _pin(pen, big / 2, inset + 0.3 * span, 0.22 * span)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "maskable-192.png": (192, True),
    "maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself
    "favicon-32.png": (32, False),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
