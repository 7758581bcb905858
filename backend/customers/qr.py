"""Device QR tokens and the QR codes printed on device stickers."""

from __future__ import annotations

import io
import secrets

import qrcode
import qrcode.image.svg

from backend.settings import get_settings

TOKEN_BYTES = 18  # 144 bits of randomness, above the 128 the design asks for


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def device_url(token: str) -> str:
    return f"{get_settings().base_url}/q/{token}"


def qr_svg(data: str) -> str:
    """A standalone SVG QR code (error correction M: survives a scuffed sticker)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
