"""The `fieldline` command, run in a subprocess as a user would, on a given database."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.servers import ROOT


def fieldline(*args: str, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DATABASE_URL": url, **env},
        check=False,
    )
