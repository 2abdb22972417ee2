"""The Python environment is pinned: requirements.lock satisfies pyproject.toml, with hashes."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK_LOCK = ROOT / "scripts" / "check_lock.py"
check_lock = runpy.run_path(str(CHECK_LOCK))


def test_the_lock_satisfies_every_requirement_of_the_project():
    assert check_lock["disagreements"](ROOT / "pyproject.toml", ROOT / "requirements.lock") == []


def test_every_locked_package_has_an_exact_version_and_a_hash():
    entries = (ROOT / "requirements.lock").read_text(encoding="utf-8").split("\n")
    pins = [line for line in entries if line and not line.startswith((" ", "#"))]
    assert pins
    for pin in pins:
        assert "==" in pin and pin.endswith("\\"), pin
    assert "--hash=sha256:" in "\n".join(entries)


def test_a_dependency_the_lock_lacks_is_named_with_the_command_that_fixes_it(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["sphinx>=9.5", "pyyaml>=6"]\n'
        '[project.optional-dependencies]\ntest = ["pytest>=8"]\n',
        encoding="utf-8",
    )
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "pyyaml==6.0.2 \\\n    --hash=sha256:00\nsphinx==9.0.4 \\\n    --hash=sha256:00\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(CHECK_LOCK), str(pyproject), str(lock)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "sphinx>=9.5: requirements.lock pins 9.0.4" in result.stderr
    assert "pytest>=8: not in requirements.lock" in result.stderr
    assert "pyyaml" not in result.stderr
    assert "run `make lock`" in result.stderr
