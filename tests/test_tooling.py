"""ruff and mypy stay clean: the configuration in pyproject.toml is the contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_data_file_in_config_ships_with_the_package() -> None:
    """`pip install .` (not only an editable install) must carry the demo feeds and tables."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["config"]
    config = ROOT / "config"
    shipped = {p for pattern in patterns for p in config.glob(pattern)}
    data = {p for p in config.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert data - shipped == set()
