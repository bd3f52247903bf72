"""Rule parameters: one TOML file of documented defaults, overridable by a user file."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any


def load_config(path: Path | None = None) -> dict[str, dict[str, Any]]:
    config = tomllib.loads((files("enduse.risk") / "rules.toml").read_text("utf-8"))
    if path is not None:
        for rule_id, params in tomllib.loads(path.read_text("utf-8")).items():
            config.setdefault(rule_id, {}).update(params)
    return config
