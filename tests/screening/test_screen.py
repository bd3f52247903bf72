"""Screening a name: logic-v2 scores, explanations, strength, and every bad input named."""

from __future__ import annotations

import itertools

import pytest

from enduse.screening.index import IndexMissing
from enduse.screening.lists import load_list, reindex
from enduse.screening.screen import Query, Screener, ScreeningInputError, clean_query
from enduse.screening.store import ListStore
from screening_lists import write_list


@pytest.fixture
def screener(tmp_path, list_file):
    load_list(tmp_path, list_file, "opensanctions")
    s = Screener(tmp_path)
    yield s
    s.close()


def test_names_in_other_scripts_are_found_with_their_explanation(screener):
    hits = screener.screen(clean_query("Југоимпорт СДПР", "RS", "Company"))
    assert [h.id for h in hits] == ["os-yugoimport"]
    assert hits[0].score >= 0.9 and hits[0].strength == "strong"
    assert "yugoimport" in hits[0].explanation["name_match"]["detail"]
    assert hits[0].datasets == ["us_ofac_sdn"] and hits[0].list == "opensanctions"
    bout = screener.screen(clean_query("Виктор Бут", schema="Person"))
    assert [h.id for h in bout] == ["os-bout"]


def test_below_the_threshold_is_not_a_hit_and_a_middling_score_is_review(screener):
    assert screener.screen(clean_query("Completely Unrelated Trading", schema="Company")) == []
    hits = screener.screen(clean_query("Rosoboron Export Holding", schema="Company"), threshold=0.5)
    assert hits and all(h.score < 0.9 for h in hits if h.strength == "review")
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_an_identifier_match_is_strong(screener):
    query = Query("Some Other Name LLC", None, "Company", ("1117746521452",))
    hits = screener.screen(query, threshold=0.0)
    rosob = next(h for h in hits if h.id == "os-rosoboronexport")
    assert rosob.strength == "strong"
    assert any("ogrn" in f or "identifier" in f for f in rosob.explanation)


@pytest.mark.parametrize(
    ("name", "country", "schema", "field"),
    [
        ("", None, None, "name"),
        ("   \t ", None, None, "name"),
        ("a" * 10_000, None, None, "name"),
        ("---", None, None, "name"),
        (None, None, None, "name"),
        ("Bout", "XX", None, "country"),
        ("Bout", None, "Spaceship", "schema"),
    ],
)
def test_bad_queries_are_named(name, country, schema, field):
    with pytest.raises(ScreeningInputError) as info:
        clean_query(name, country, schema)
    assert info.value.field == field


def test_control_characters_and_mixed_scripts_are_screened(screener):
    query = clean_query("Viktor\x00\x07 Бут", schema="Person")
    assert query.name == "Viktor   Бут"
    assert [h.id for h in screener.screen(query)] == ["os-bout"]
    assert clean_query(" ru-bout ", "ru").country == "RU"


def test_one_id_in_two_lists_is_scored_with_each_lists_own_names(tmp_path):
    one = [{"id": "dup", "schema": "Person", "properties": {"name": ["Joe Smith"]}}]
    two = [{"id": "dup", "schema": "Person", "properties": {"name": ["Joe Bloggs"]}}]
    load_list(tmp_path, write_list(tmp_path / "a.json", one), "a")
    load_list(tmp_path, write_list(tmp_path / "b.json", two), "b")
    s = Screener(tmp_path)
    for _ in range(2):  # the second round runs on warm caches
        hits = s.screen(clean_query("Joe Bloggs", schema="Person"))
        assert [(h.list, h.caption) for h in hits] == [("b", "Joe Bloggs")]
    s.close()


def test_an_exact_identifier_is_a_strong_hit_even_under_the_threshold(screener):
    hits = screener.screen(Query("Zvezda Trading", "CY", "Company", ("07000405",)))
    assert [(h.id, h.strength) for h in hits] == [("os-yugoimport", "strong")]
    assert hits[0].score < 0.7


def test_an_index_behind_the_lists_is_refused_until_reindexed(tmp_path, list_file):
    load_list(tmp_path, list_file, "os")
    store = ListStore(tmp_path / "lists.sqlite")
    store.db.execute(
        "INSERT INTO versions (dataset, source, sha256, loaded_at, added, changed, removed, total)"
        " VALUES ('os', 'interrupted', '', '', 0, 0, 0, 4)"
    )  # as if a load committed and then died before its index was built
    with pytest.raises(IndexMissing, match="enduse lists reindex"):
        Screener(tmp_path)
    reindex(tmp_path)
    Screener(tmp_path).close()
