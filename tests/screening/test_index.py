"""The candidate index: rarest shared keys first, schemata kept apart, built atomically."""

from __future__ import annotations

import pytest

from enduse.screening.features import entity_keys
from enduse.screening.index import CandidateIndex, IndexMissing, build_index
from enduse.screening.lists import load_list
from enduse.screening.store import ListStore
from screening_lists import write_list


def ids(store: ListStore, ordinals: list[int]) -> list[str]:
    return [e.id for e in store.fetch(ordinals)]


def test_candidates_come_best_first_and_by_compatible_schema(tmp_path, list_file):
    load_list(tmp_path, list_file, "os")
    store, index = ListStore(tmp_path / "lists.sqlite"), CandidateIndex(tmp_path / "index")
    found = index.candidates(entity_keys(["Рособоронэкспорт"], schema="Company"), "Company", 10)
    assert ids(store, found)[0] == "os-rosoboronexport"
    assert "os-bout" not in ids(store, found)  # a Person is no candidate for a Company
    people = index.candidates(entity_keys(["Виктор Бут"], schema="Person"), "Person", 10)
    assert ids(store, people) == ["os-bout"]
    vessels = index.candidates(entity_keys(["Lady Rosa"], schema="Vessel"), "Vessel", 10)
    assert ids(store, vessels) == ["os-vessel"]
    assert index.candidates(set(), None, 10) == []
    assert index.candidates({"t:nothingsharesthis"}, None, 10) == []
    assert index.store_version == store.version == 1


def test_the_limit_keeps_the_best(tmp_path, list_file):
    load_list(tmp_path, list_file, "os")
    index = CandidateIndex(tmp_path / "index")
    store = ListStore(tmp_path / "lists.sqlite")
    every = index.candidates(entity_keys(["Yugoimport Rosoboronexport"]), None, 10)
    assert set(ids(store, every[:2])) == {"os-yugoimport", "os-rosoboronexport"}
    assert index.candidates(entity_keys(["Yugoimport Rosoboronexport"]), None, 1) == every[:1]


def test_no_index_is_a_clear_error_and_a_rebuild_replaces_it(tmp_path, list_file):
    with pytest.raises(IndexMissing, match="enduse lists load"):
        CandidateIndex(tmp_path / "index")
    load_list(tmp_path, list_file, "os")
    built = build_index(ListStore(tmp_path / "lists.sqlite"), tmp_path / "index")
    assert built.entities == 4 and built.postings > built.keys > 0
    assert not (tmp_path / "index.new").exists() and not (tmp_path / "index.old").exists()


def test_countries_break_ties_between_equal_names(tmp_path):
    people = [
        {
            "id": f"ua-{i}",
            "schema": "Person",
            "properties": {"name": ["Ivan Petrov"], "country": ["ua"]},
        }
        for i in range(80)
    ] + [
        {
            "id": "ru-1",
            "schema": "Person",
            "properties": {"name": ["Ivan Petrov"], "country": ["ru"]},
        }
    ]
    load_list(tmp_path, write_list(tmp_path / "p.json", people), "p")
    store, index = ListStore(tmp_path / "lists.sqlite"), CandidateIndex(tmp_path / "index")
    found = index.candidates(
        entity_keys(["Ivan Petrov"], schema="Person", countries=["ru"]), "Person", 50
    )
    assert ids(store, found[:1]) == ["ru-1"]


def test_a_name_made_only_of_common_parts_still_finds_candidates(tmp_path, monkeypatch):
    monkeypatch.setattr("enduse.screening.index.MAX_POSTINGS", 5)
    people = [{"id": f"m-{i}", "schema": "Person", "properties": {"name": [f"Mohammed Ali {chr(65 + i)}x"]}}
              for i in range(9)]  # fmt: skip
    load_list(tmp_path, write_list(tmp_path / "p.json", people), "p")
    index = CandidateIndex(tmp_path / "index")
    assert len(index.candidates(entity_keys(["Mohammed Ali"], schema="Person"), "Person", 50)) == 9
