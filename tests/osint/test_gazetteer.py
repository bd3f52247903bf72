"""States named by name, adjective, capital, armed group or region; whole words only."""

from __future__ import annotations

from enduse.osint.gazetteer import country_mentions


def codes(text: str) -> list[tuple[str, str]]:
    return [(m.code, m.kind) for m in country_mentions(text)]


def test_names_adjectives_capitals_and_groups():
    assert codes("Serbian shells reached Kyiv through Czechia") == [
        ("RS", "adjective"), ("UA", "capital"), ("CZ", "name")]  # fmt: skip
    assert codes("the Houthis in Yemen") == [("YE", "group"), ("YE", "name")]
    assert codes("North Korean shells and South Korea's howitzers") == [
        ("KP", "adjective"), ("KR", "name")]  # fmt: skip
    assert codes("weapons found in Darfur") == [("SD", "name")]


def test_the_longest_form_wins_and_words_are_whole():
    assert codes("Niger and Nigeria") == [("NE", "name"), ("NG", "name")]
    assert codes("Bosnia and Herzegovina") == [("BA", "name")]
    assert codes("Serbians? Serbiana") == []  # not a form of ours
    assert codes("Pakistani-made shells; a Prague-registered firm") == [
        ("PK", "adjective"), ("CZ", "capital")]  # fmt: skip


def test_us_is_the_united_states_only_when_written_so():
    assert codes("the US and the U.S. Navy") == [("US", "name"), ("US", "name")]
    assert codes("tell us more") == []


def test_offsets_point_at_the_text():
    text = "Arms went from Bulgaria to Ukraine."
    for m in country_mentions(text):
        assert text[m.start : m.end] == m.text


def test_a_currency_is_not_a_state_and_every_state_has_its_adjective() -> None:
    assert country_mentions("a US$61 million contract") == []
    assert [(m.code, m.kind) for m in country_mentions("the Paraguayan Army in Quito")] == [
        ("PY", "adjective"), ("EC", "capital")]  # fmt: skip
