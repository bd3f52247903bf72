"""Sentences with offsets, not cut at abbreviations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enduse.osint.sentences import split_sentences


def test_abbreviations_initials_and_paragraphs():
    text = ("U.S. Navy forces seized it. Hanseong Defence Co., Ltd. said so on Nov. 3.\n\n"
            "Heiko R. used a broker. The end.")  # fmt: skip
    found = split_sentences(text)
    assert [s.text for s in found] == [
        "U.S. Navy forces seized it.",
        "Hanseong Defence Co., Ltd. said so on Nov. 3.",
        "Heiko R. used a broker.",
        "The end.",
    ]
    assert [s.paragraph for s in found] == [0, 0, 1, 1]
    assert [s.index for s in found] == [0, 1, 2, 3]


def test_short_lines_are_sentences_of_their_own():
    found = split_sentences("PRESS RELEASE\nChangwon - 3 October 2025\n\nBody text here.")
    assert [s.text for s in found] == [
        "PRESS RELEASE",
        "Changwon - 3 October 2025",
        "Body text here.",
    ]


@given(st.text(alphabet=st.sampled_from('ab .!?\n"U.S'), max_size=200))
def test_every_sentence_is_quoted_verbatim_at_its_offset(text: str):
    for s in split_sentences(text):
        assert text[s.start : s.start + len(s.text)] == s.text


def test_a_run_without_full_stops_is_read_in_bounded_pieces():
    text = "Serbia sold rockets to Ukraine via Poland and " * 2000  # 92,000 characters, no stop
    pieces = split_sentences(text)
    assert len(pieces) > 40 and max(len(s.text) for s in pieces) <= 2000
    for s in pieces:
        assert text[s.start : s.start + len(s.text)] == s.text
    long_word = "a" * 50_000 + " ! B"
    assert [s.text for s in split_sentences(long_word)][-1] == "B"
