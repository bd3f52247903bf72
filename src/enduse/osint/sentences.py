"""Paragraphs and sentences of a report, with their offsets (evidence is quoted verbatim)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a full stop does not end a sentence.
_ABBREVIATED = """U.S U.K U.N D.C Co Ltd Inc Corp No Nos Mr Mrs Ms Dr Gen Lt Col Maj Capt Sgt St
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec approx incl e.g i.e vs Fla Calif Mass Gov Sen
Rep Prof Jr Sr Art Fig al"""
ABBREVIATIONS = frozenset(_ABBREVIATED.split())
_END = re.compile(r"[.!?]['\"”’)]*\s+(?=[\"“‘'(]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    paragraph: int
    index: int  # position in the report


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for paragraph, block in enumerate(re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text)):
        chunk, base = block.group(0), block.start()
        lines = chunk.split("\n")
        if len(lines) > 1 and all(len(line) < 120 for line in lines):
            pieces = [(m.group(0), base + m.start()) for m in re.finditer(r"[^\n]+", chunk)]
        else:
            pieces = [(chunk, base)]
        for piece, offset in pieces:
            for s, start in _split(piece):
                stripped = s.strip()
                if stripped:
                    lead = len(s) - len(s.lstrip())
                    out.append(Sentence(stripped, offset + start + lead, paragraph, len(out)))
    return out


def _split(text: str) -> list[tuple[str, int]]:
    parts, begin = [], 0
    for m in _END.finditer(text):
        before = text[max(begin, m.start() - 63) : m.start() + 1]  # a word, not the whole run
        word = re.search(r"([\w.]+)[.!?]$", before)
        if word and (word.group(1) in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
            continue
        end = m.end()
        parts.append((text[begin:end], begin))
        begin = end
    if begin < len(text):
        parts.append((text[begin:], begin))
    return [piece for part in parts for piece in _bounded(*part)]


MAX_SENTENCE = 2000  # a table pasted from a PDF is no sentence: read in pieces this long


def _bounded(text: str, start: int) -> list[tuple[str, int]]:
    """A run longer than MAX_SENTENCE is cut at whitespace, so no rule meets a quadratic case."""
    out = []
    while len(text) > MAX_SENTENCE:
        cut = text.rfind(" ", 0, MAX_SENTENCE)
        cut = cut if cut > MAX_SENTENCE // 2 else MAX_SENTENCE
        out.append((text[:cut], start))
        text, start = text[cut:], start + cut
    out.append((text, start))
    return out
