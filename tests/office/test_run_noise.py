"""`make run` starts quietly (issue 13, defect 10): no platformdirs note about XDG_RUNTIME_DIR,
and installing the project (`make`'s `pip install -e`) prints no setuptools notice."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START = (
    "from pathlib import Path; import sys; from backend import db; "
    "db.embedded_url(Path(sys.argv[1]))"
)


def test_the_embedded_server_starts_without_the_xdg_runtime_dir_note(tmp_path):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "DATABASE_URL")
    }
    started = subprocess.run(
        [sys.executable, "-W", "default", "-c", START, str(tmp_path / "data")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,  # a bound for a hung start, not a claim about speed
        check=False,
    )
    assert started.returncode == 0, started.stderr
    assert "XDG_RUNTIME_DIR" not in started.stderr


def test_the_editable_install_is_a_plain_path_so_setuptools_says_nothing():
    """setuptools picks its import-finder strategy for a project whose layout it must guess, and
    that strategy ends with the "Editable installation … may take precedence" notice under
    every `make`; with package-dir said (pyproject.toml) it writes a plain .pth to the root."""
    site = Path(sysconfig.get_paths()["purelib"])
    [pth] = site.glob("__editable__.fieldline-*.pth")
    assert pth.read_text().strip() == str(ROOT), pth.read_text()
    assert not list(site.glob("__editable___fieldline_*_finder.py"))


def test_npm_installs_the_browser_libraries_without_running_their_scripts():
    """A fresh `make run` printed npm's install-scripts warning (swagger-ui-dist's @scarf/scarf
    postinstall, which reports the install to its vendor): no script runs, nothing is said."""
    makefile = (ROOT / "Makefile").read_text()
    [install] = [line for line in makefile.splitlines() if "npm ci" in line]
    assert "--ignore-scripts" in install, install
