"""The types are checked with every test run (CI runs `make test`): mypy, as pyproject.toml's
[tool.mypy] configures it, strict on the data between the stages and the pipeline."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_mypy_finds_no_type_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
