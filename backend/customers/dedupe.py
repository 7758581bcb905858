"""Normalised keys for the duplicate checks (防撞单) of accounts and leads: phone digits, e-mail
addresses and bare company names."""

from __future__ import annotations

import re
import unicodedata

from backend.hygiene import bounded

# The key columns' lengths (account.name_key, contact.email_key, lead.company_key/email_key):
# NFKC and casefold can make a key longer than the text it came from (ß → ss, ﷺ → 18 letters).
NAME_KEY_LENGTH = 200
EMAIL_KEY_LENGTH = 254

_NON_DIGIT = re.compile(r"\D")
# Anything that is not a letter or digit (after NFKC, full-width forms are already half-width).
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
_LEGAL_WORDS = {
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "pte",
}
_LEGAL_SUFFIXES_ZH = ("股份有限公司", "有限责任公司", "有限公司", "公司")


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, without the +86 / 0086 country prefix; None when nothing is left."""
    if not phone:
        return None
    phone = unicodedata.normalize("NFKC", phone)  # full-width digits and ＋ from an import
    digits = _NON_DIGIT.sub("", phone)
    stripped = phone.strip()
    international = True
    if digits.startswith("0086"):
        digits = digits[4:]
    elif stripped.startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        digits = digits[2:]
    else:
        international = False
    if international and digits and not digits.startswith(("0", "1")):
        digits = "0" + digits  # +86 21 … is the landline dialled at home as 021 …
    return digits or None


def normalise_name(name: str) -> str:
    """Case-, space-, punctuation- and width-blind name with legal-form suffixes removed."""
    words = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", name).casefold()) if w]
    while len(words) > 1 and words[-1] in _LEGAL_WORDS:
        words.pop()
    key = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in _LEGAL_SUFFIXES_ZH:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                stripped = True
    return bounded(key, NAME_KEY_LENGTH)


def normalise_email(email: str | None) -> str | None:
    """Lower-case without surrounding space; None when empty. (The local part is case-sensitive by
    the RFC, but no mail provider treats it so: Li.Wei@ and li.wei@ are one person.)"""
    if not email:
        return None
    return bounded(email.strip().lower(), EMAIL_KEY_LENGTH) or None
