"""`make run` starts quietly: no platformdirs note about XDG_RUNTIME_DIR (issue 13, defect 10)."""

from __future__ import annotations

import os
import subprocess
import sys
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
