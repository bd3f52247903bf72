"""Descriptions of states stand for the state named before them, suppliers aside."""

from enduse.osint.anaphora import described_states
from enduse.osint.extract import extract
from enduse.osint.roles import cast
from enduse.osint.sentences import split_sentences


def _described(text: str) -> list[tuple[str, str]]:
    sentences = split_sentences(text)
    roles = {s.index: {c.mention.start: c.role for c in cast(s.text)} for s in sentences}
    found = described_states(sentences, roles)
    return [(m.text, m.code) for s in sentences for m in found[s.index] if m.text[0] in "Tt"]


def test_a_description_after_a_bullet_names_the_bullet_s_state() -> None:
    assert _described("Saudi Arabia: The kingdom signed an agreement with Brazil's Tupa.") == [
        ("The kingdom", "SA")]  # fmt: skip


def test_a_description_never_stands_for_the_supplier_just_named() -> None:
    text = ("The war in Myanmar goes on. In December the military government took delivery of "
            "six fighters built by Russia's Volga Aviation Works. The junta put two on display.")  # fmt: skip
    assert _described(text) == [("the military government", "MM"), ("The junta", "MM")]
    assert [(t.supplier_country, t.recipient_country) for t in extract("Jets\n\n" + text)] == [
        ("RU", "MM")]  # fmt: skip


def test_common_or_loaded_descriptions_are_left_alone() -> None:
    text = "Iran denies it. The regime and the country said nothing, the government added."
    assert _described(text) == []


def test_with_no_state_before_a_description_stands_for_none() -> None:
    assert _described("The kingdom signed a deal.") == []
