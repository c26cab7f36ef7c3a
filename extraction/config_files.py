"""Reading the rule and table files of config/ (paths relative to it, "patterns/text.yaml")."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import yaml


def config_text(path: str) -> str:
    return files("config").joinpath(*path.split("/")).read_text(encoding="utf-8")


def config_yaml(path: str) -> Any:
    return yaml.load(config_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def config_jsonl(path: str) -> list[dict[str, Any]]:
    """One JSON object a line; blank lines and lines starting with "#" are skipped."""
    return [json.loads(line) for line in config_text(path).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
