"""What each kind of import takes: its fields, the headers (English and Chinese) that map to them,
and the checks of one cell; the mapping of a file's columns, guessed and corrected."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from backend.errors import Invalid


class Kind(StrEnum):
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    LEADS = "leads"
    DEVICES = "devices"


class CellError(ValueError):
    """A cell that does not hold what its field takes; the message says what it should."""


_PHONE = re.compile(r"^[0-9+()\-. ]{3,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "x"}
_FALSE = {"0", "false", "no", "n", "否", ""}


def text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(f"at most {limit} characters")
        return value

    return parse


def phone(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)  # full-width digits from Chinese input
    if not _PHONE.match(value):
        raise CellError("a phone number: digits, spaces and + ( ) - . only")
    return value


def email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise CellError("an e-mail address such as name@example.com")
    return value


def grade(value: str) -> str:
    letter = unicodedata.normalize("NFKC", value).strip().upper().rstrip("类级")
    if letter not in ("A", "B", "C"):
        raise CellError("A, B or C")
    return letter


def flag(value: str) -> bool:
    key = value.strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("yes or no (是/否)")


def number(low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            result = float(value)
        except ValueError:
            raise CellError(f"a number from {low:g} to {high:g}") from None
        if not low <= result <= high:
            raise CellError(f"a number from {low:g} to {high:g}")
        return result

    return parse


def day(value: str) -> date:
    try:
        result = date.fromisoformat(re.sub(r"[/.]", "-", value.split(" ")[0]).strip())
    except ValueError:
        raise CellError("a date such as 2024-03-31") from None
    if result > date.today():
        raise CellError("must not be in the future")
    return result


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[str], Any]
    aliases: tuple[str, ...]
    required: bool = False


def _f(name: str, parse: Callable[[str], Any], *aliases: str, required: bool = False) -> Field:
    return Field(name, parse, (name, *aliases), required)


PHONE = _f("phone", phone, "tel", "telephone", "mobile", "电话", "手机", "联系电话", "手机号")
EMAIL = _f("email", email, "e-mail", "mail", "邮箱", "电子邮件", "电子邮箱")
OWNER = _f("owner_email", email, "owner", "负责人", "负责人邮箱", "销售", "归属人")
LAT = _f("lat", number(-90, 90), "latitude", "纬度")
LNG = _f("lng", number(-180, 180), "lon", "longitude", "经度")
INDUSTRY = _f("industry", text(60), "行业")
DISTRICT = _f("district", text(60), "区域", "区县", "地区")
ACCOUNT_NAME = _f(
    "account_name", text(200), "account", "customer", "客户", "客户名称", required=True
)

FIELDS: dict[Kind, list[Field]] = {
    Kind.ACCOUNTS: [
        _f(
            "name",
            text(200),
            "account",
            "company",
            "customer",
            "客户名称",
            "公司名称",
            "客户",
            "名称",
            required=True,
        ),
        PHONE,
        _f("grade", grade, "level", "等级", "客户等级", "级别"),
        _f("vip", flag, "重要客户"),
        _f("address", text(300), "地址", "详细地址"),
        LAT,
        LNG,
        OWNER,
        _f("source", text(40), "来源", "客户来源"),
        INDUSTRY,
        DISTRICT,
    ],
    Kind.CONTACTS: [
        ACCOUNT_NAME,
        _f("name", text(120), "contact", "contact name", "联系人", "姓名", required=True),
        _f("title", text(120), "position", "job title", "职位", "职务"),
        PHONE,
        EMAIL,
        _f("decision_maker", flag, "decision maker", "决策人", "关键人"),
    ],
    Kind.LEADS: [
        _f("name", text(120), "contact", "联系人", "姓名", required=True),
        _f("company", text(200), "公司", "公司名称", "客户名称", "单位"),
        PHONE,
        EMAIL,
        _f("notes", text(2000), "note", "remarks", "备注", "说明"),
        INDUSTRY,
        DISTRICT,
        LAT,
        LNG,
        OWNER,
    ],
    Kind.DEVICES: [
        ACCOUNT_NAME,
        _f(
            "product_sku",
            text(60),
            "sku",
            "product",
            "model",
            "型号",
            "产品型号",
            "产品编号",
            required=True,
        ),
        _f(
            "serial",
            text(80),
            "serial number",
            "sn",
            "序列号",
            "设备序列号",
            "机身号",
            required=True,
        ),
        _f("installed_on", day, "installed", "install date", "安装日期", "安装时间"),
        LAT,
        LNG,
    ],
}


def header_key(header: str) -> str:
    """Case-, width-, space- and punctuation-blind: "Owner E-mail" and "owner_email" are one."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", header).casefold())


def guess(kind: Kind, header: list[str]) -> dict[str, str | None]:
    """Each column's field by its header (None: not imported); a field goes to its first column."""
    known = {header_key(a): f.name for f in FIELDS[kind] for a in f.aliases}
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for column in header:
        field = known.get(header_key(column))
        mapping[column] = field if field not in taken else None
        if field:
            taken.add(field)
    return mapping


def mapping_for(
    kind: Kind, header: list[str], corrections: dict[str, str | None]
) -> dict[str, str | None]:
    """The guess with the user's corrections ({column: field, or null to skip the column})."""
    names = {f.name for f in FIELDS[kind]}
    mapping = guess(kind, header)
    for column, field in corrections.items():
        if column not in mapping:
            raise Invalid(f"mapping.{column}", "no such column in the file")
        if field not in names and field not in (None, ""):
            raise Invalid(f"mapping.{column}", f"one of {', '.join(sorted(names))}, or null")
        if field:
            for other, chosen in mapping.items():
                if chosen == field and other != column:
                    mapping[other] = None  # a field comes from one column
        mapping[column] = field or None
    missing = [f.name for f in FIELDS[kind] if f.required and f.name not in mapping.values()]
    if missing:
        raise Invalid("mapping", f"no column for the required field(s) {', '.join(missing)}")
    return mapping


Problem = dict[str, Any]  # {row, field, message}


def parse_row(
    kind: Kind, mapping: dict[str, str | None], header: list[str], line: int, cells: list[Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """One row's values by field, and its problems (required, shapes)."""
    fields = {f.name: f for f in FIELDS[kind]}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, cell in zip(header, cells, strict=True):
        name = mapping.get(column)
        if name is None or cell is None:
            continue
        try:
            values[name] = fields[name].parse(cell)
        except CellError as exc:
            problems.append({"row": line, "field": name, "message": str(exc)})
    for f in FIELDS[kind]:
        if (
            f.required
            and values.get(f.name) in (None, "")
            and not any(p["field"] == f.name for p in problems)
        ):
            problems.append({"row": line, "field": f.name, "message": "required"})
    if ("lat" in values) != ("lng" in values) and not problems:
        problems.append(
            {
                "row": line,
                "field": "lng" if "lat" in values else "lat",
                "message": "latitude and longitude go together",
            }
        )
    return values, problems
