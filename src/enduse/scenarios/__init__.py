"""Scenario bundles shipped with enduse: the demo and the tests load them from here."""

from __future__ import annotations

from importlib.resources import files

SEED = "seed-scenario.bundle.json"


def scenario_text(name: str = SEED) -> str:
    return (files("enduse.scenarios") / name).read_text("utf-8")
