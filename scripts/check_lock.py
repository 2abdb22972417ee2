"""Says whether requirements.lock still satisfies pyproject.toml.

The Makefile installs the Python environment from ``requirements.lock`` (exact versions, with
hashes) and the project itself with ``--no-deps``, so a dependency added to ``pyproject.toml``, or
a range changed there, would silently be missing or out of range. This script compares the two
after every install and, when they disagree, names each requirement and says to run
``make lock``. It runs inside the freshly installed environment, so ``packaging`` (a locked
dependency of Sphinx) is there.

Usage: ``python scripts/check_lock.py [pyproject.toml] [requirements.lock]``; exit status 1 when
the lock needs refreshing.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCKED_LINE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def declared_requirements(pyproject: Path) -> list[Requirement]:
    """Every requirement of the project: its dependencies and those of all its extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        lines.extend(extra)
    return [Requirement(line) for line in lines]


def locked_versions(lock: Path) -> dict[str, Version]:
    """The exact version of each package the lock file pins."""
    pins: dict[str, Version] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := LOCKED_LINE.match(line):
            pins[canonicalize_name(match["name"])] = Version(match["version"])
    return pins


def disagreements(pyproject: Path, lock: Path) -> list[str]:
    """One sentence per requirement of pyproject.toml that the lock file does not satisfy."""
    pins = locked_versions(lock)
    problems = []
    for requirement in declared_requirements(pyproject):
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement}: not in {lock.name}")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement}: {lock.name} pins {pinned}")
    return problems


def main(argv: list[str]) -> int:
    pyproject = Path(argv[0] if argv else "pyproject.toml")
    lock = Path(argv[1] if len(argv) > 1 else "requirements.lock")
    problems = disagreements(pyproject, lock)
    for problem in problems:
        print(f"{pyproject.name}: {problem}", file=sys.stderr)
    if problems:
        print(
            f"{lock.name} is older than {pyproject.name}: run `make lock` and commit "
            f"{lock.name} with {pyproject.name}.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
