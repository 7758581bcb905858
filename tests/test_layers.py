"""The arrows between layers point down: no module imports from a layer above its own.

dispatch ← backend's root modules ← the domains ← pages ← app and cli. The source is read with
`ast` (every import, at the top or inside a function), never imported. A new rule is one row of
RULES; a new domain folder or root module is picked up by itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"

# The composition: what wires the layers together, so it may import any of them.
COMPOSITION = ("app", "cli", "piccolo_app", "piccolo_conf")
# Folders of backend/ that are not domains: HTML pages sit above the domains, the demo set
# loads data through them.
NOT_DOMAINS = ("pages", "demo")

DOMAINS = sorted(
    p.parent.name for p in BACKEND.glob("*/__init__.py") if p.parent.name not in NOT_DOMAINS
)
ROOT_MODULES = sorted(
    p.stem for p in BACKEND.glob("*.py") if p.stem not in (*COMPOSITION, "__init__")
)
OTHER_DOMAINS = [d for d in DOMAINS if d != "integrations"]
UPPER = ("backend.pages", "backend.demo", *(f"backend.{m}" for m in COMPOSITION))


def _backend(*names: str) -> tuple[str, ...]:
    return tuple(f"backend.{name}" for name in names)


@dataclass(frozen=True)
class Rule:
    """Modules named `who` (a module, or a package and everything in it) import none of `not_`."""

    who: str
    not_: tuple[str, ...]
    why: str
    exact: bool = False  # only the module `who` itself (a package's __init__), not what it holds

    def covers(self, module: str) -> bool:
        return module == self.who or (not self.exact and module.startswith(self.who + "."))


RULES = [
    Rule("dispatch", ("backend",), "dispatch is pure: plain data in, decisions out"),
    *(
        Rule(f"backend.{m}", (*_backend(*DOMAINS), *UPPER), "a root module serves every domain")
        for m in ROOT_MODULES
    ),
    *(
        Rule(f"backend.{d}", UPPER, "a domain is used by pages, app and cli, never the reverse")
        for d in DOMAINS
    ),
    Rule("backend.pages", _backend("demo", *COMPOSITION), "pages are wired in by the app"),
    Rule("backend.demo", _backend("pages", *COMPOSITION), "the demo set loads through services"),
    # The new domains' arrows (team/WAVE.md): sales and maintenance build on activity, and the
    # import builds on sales and customers; activity may read their tables in SQL only.
    Rule(
        "backend.activity",
        _backend("sales", "maintenance", "integrations.imports"),
        "activity sits below sales, maintenance and the import",
    ),
    # The outbox (emit in the package itself, webhooks.py) is called by every domain, so it
    # imports none of them.
    Rule("backend.integrations.webhooks", _backend(*OTHER_DOMAINS), "any domain may emit"),
    Rule("backend.integrations.sender", _backend(*OTHER_DOMAINS), "the outbox's sender too"),
    Rule("backend.integrations", _backend(*OTHER_DOMAINS), "any domain may emit", exact=True),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool) -> set[str]:
    """The modules a source imports: `from a import b` is a.b where that is a module, else a."""
    here = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            for alias in node.names:
                inner = f"{base}.{alias.name}"
                names.add(inner if inner in MODULES else base)
    return names


MODULES = {
    module_name(p)
    for folder in ("backend", "dispatch", "bench", "tests")
    for p in (ROOT / folder).rglob("*.py")
}


def breaks(rule: Rule, names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == x or n.startswith(x + ".") for x in rule.not_))


def upward_imports(folders: tuple[str, ...] = ("backend", "dispatch")) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            module = module_name(path)
            names = imported(path.read_text(), module, path.name == "__init__.py")
            for rule in RULES:
                if rule.covers(module) and (wrong := breaks(rule, names)):
                    found.append(f"{module} imports {', '.join(wrong)} ({rule.why})")
    return found


def test_no_import_points_up() -> None:
    assert not upward_imports()


def test_the_rules_know_the_layers() -> None:
    """The table is built from the tree: every domain and root module has its row."""
    assert {"staff", "customers", "catalogue", "workorders", "field", "push", "boards"} <= set(
        DOMAINS
    )
    assert {"db", "errors", "schemas", "settings", "access", "clock", "tasks", "live"} <= set(
        ROOT_MODULES
    )
    assert {"idempotency", "ratelimit"} <= set(ROOT_MODULES)
    covered = {r.who for r in RULES}
    assert {f"backend.{name}" for name in (*DOMAINS, *ROOT_MODULES)} <= covered


@pytest.mark.parametrize(
    ("module", "source", "wrong"),
    [
        ("dispatch.assign", "from backend.settings import get_settings", ["backend.settings"]),
        ("backend.clock", "from backend import workorders", ["backend.workorders"]),
        ("backend.staff.service", "def f():\n    import backend.pages.web", ["backend.pages.web"]),
        ("backend.pages.web", "from .. import app", ["backend.app"]),
        ("backend.activity.service", "from backend.sales import service", ["backend.sales"]),
        (
            "backend.integrations",
            "from backend.customers import tables",
            ["backend.customers.tables"],
        ),
        # What the arrows allow: downwards, sideways where WAVE.md says so, within a domain.
        ("backend.integrations.imports", "from backend.sales import service", []),
        ("backend.integrations.webhooks", "from . import tables", []),
        ("backend.pages.customer", "from backend.workorders import service", []),
        ("backend.workorders.offers", "from dispatch import assign", []),
    ],
)
def test_the_reader_finds_each_form_of_import(module: str, source: str, wrong: list[str]) -> None:
    """Absolute, relative and inside a function; and nothing the arrows allow."""
    package = module == "backend.integrations"
    names = imported(source, module, package)
    found = {w for rule in RULES if rule.covers(module) for w in breaks(rule, names)}
    assert sorted(found) == wrong


def _outside_support(folder: str) -> list[str]:
    """Imports of tests/ other than tests/support from the files of folder (test modules and
    conftest are pytest's, never a library)."""
    wrong = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = imported(path.read_text(), module_name(path), path.name == "__init__.py")
        wrong += [
            f"{module_name(path)} imports {name}"
            for name in sorted(names)
            if name.split(".")[0] == "tests" and not name.startswith("tests.support")
        ]
    return wrong


def test_bench_runs_as_modules_and_shares_only_tests_support() -> None:
    assert not _outside_support("bench")
    edits = [p.name for p in sorted((ROOT / "bench").glob("*.py")) if "sys.path" in p.read_text()]
    assert not edits, (
        f"bench scripts run as python -m bench.<name>, not with sys.path edits: {edits}"
    )


def test_tests_support_imports_no_test_module() -> None:
    assert not _outside_support("tests/support")
