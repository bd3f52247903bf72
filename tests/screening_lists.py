"""A small sanctions list in the OpenSanctions export format, across scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ENTITIES = [
    {"id": "os-yugoimport", "schema": "Company", "caption": "Yugoimport SDPR",
     "properties": {"name": ["Yugoimport SDPR", "Jugoimport-SDPR J.P."], "country": ["rs"],
                    "registrationNumber": ["07000405"]},
     "datasets": ["us_ofac_sdn"]},
    {"id": "os-rosoboronexport", "schema": "Company", "caption": "Rosoboronexport",
     "properties": {"name": ["Rosoboronexport", "ROSOBORONEKSPORT OAO"], "country": ["ru"],
                    "ogrnCode": ["1117746521452"], "innCode": ["7704274402"]},
     "datasets": ["eu_fsf", "gb_hmt_sanctions"]},
    {"id": "os-bout", "schema": "Person", "caption": "Viktor Bout",
     "properties": {"name": ["Viktor Anatolyevich Bout", "Виктор Анатольевич Бут"], "country": ["ru"]},
     "datasets": ["us_ofac_sdn"]},
    {"id": "os-vessel", "schema": "Vessel", "caption": "Lady Rosa",
     "properties": {"name": ["Lady Rosa"], "imoNumber": ["IMO 9123456"]}, "datasets": ["eu_fsf"]},
    {"id": "os-sanction-1", "schema": "Sanction", "properties": {"entity": ["os-bout"]},
     "datasets": ["us_ofac_sdn"]},
]  # fmt: skip


def write_list(path: Path, entities: list[dict], extra_lines: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps(e, ensure_ascii=False) for e in entities] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def list_file(tmp_path: Path) -> Path:
    return write_list(tmp_path / "entities.ftm.json", ENTITIES)
