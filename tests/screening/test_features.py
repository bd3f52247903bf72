"""Retrieval keys: what a name is found by, across scripts and spellings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enduse.screening.features import entity_keys, identifier_key, name_keys, skeleton


def shared(a: str, b: str, schema: str = "Company") -> set[str]:
    return set(name_keys(a, schema)) & set(name_keys(b, schema))


def test_cyrillic_and_latin_spellings_share_keys():
    assert "t:sdpr" in shared("Југоимпорт СДПР", "Yugoimport SDPR")
    assert {"g:goi", "g:imp"} <= shared("Југоимпорт СДПР", "Yugoimport SDPR")
    assert "t:rosoboroneksport" in shared("Рособоронэкспорт", "ROSOBORONEKSPORT OAO")


def test_legal_forms_give_no_keys_and_vowel_changes_keep_the_skeleton():
    keys = name_keys("OAO Gazprom", "Company")
    assert "t:gazprom" in keys and not any(k.startswith("t:") and "oao" in k for k in keys)
    assert "s:gzprm" in keys
    assert skeleton("mohammed") == skeleton("mhmd") == skeleton("muhamad") == "md"


def test_known_names_are_linked_across_scripts_by_symbols():
    common = shared("贝拉克·奥巴马", "Barack Obama", "Person")
    assert any(k.startswith("y:NAME:") for k in common)


def test_identifiers_normalise():
    assert identifier_key("1027-7000 19003") == identifier_key("1027700019003") is not None
    assert identifier_key("12") is None
    assert "i:07000405" in entity_keys(["X"], ["0700-0405"])


@given(st.text(max_size=2000))
def test_any_text_gives_keys_without_failing(text):
    for key in name_keys(text, "LegalEntity"):
        assert key[0] in "tpsgy" and key[1] == ":"
