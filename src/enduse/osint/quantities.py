"""How much: counts in digits or words ("44,000", "a million rounds", "hundreds of thousands of
shells") and money ("€800 million worth"), which is a value, never a count."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "a dozen": 12, "two dozen": 24, "three dozen": 36, "dozens": 12, "dozen": 12,
    "hundreds": 100, "thousands": 1000, "tens of thousands": 10000,
    "hundreds of thousands": 100000, "millions": 1000000, "a million": 1000000,
}  # fmt: skip
SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "bn": 1e9, "billion": 1e9,
         "trillion": 1e12}  # fmt: skip
CURRENCY = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "euros": "EUR", "euro": "EUR",
            "dollars": "USD", "dollar": "USD", "pounds": "GBP", "Swiss francs": "CHF",
            "francs": "CHF", "leva": "BGN", "zloty": "PLN", "rubles": "RUB", "roubles": "RUB",
            "KRW": "KRW", "EUR": "EUR", "USD": "USD"}  # fmt: skip
# Units of a count (anything else a count pattern finds, such as tonnes, is no number of items).
QUANTITY_UNITS = (
    "shells", "rounds", "rockets", "bombs", "missiles", "drones", "rifles", "howitzers",
    "launchers", "vehicles", "tanks", "jets", "aircraft", "helicopters", "grenades", "mines",
    "cartridges", "guns", "systems", "batteries", "containers", "munitions", "pieces", "units",
    "crates", "machine guns", "pistols", "mortars", "boats", "ships", "radars", "sights",
    "trucks", "fighters", "airframes",
)  # fmt: skip
UNITS = (
    r"(?:[\w-]+\s+){0,4}?(?P<unit>shells|rounds|rockets|bombs|missiles|drones|rifles|howitzers|"
    r"launchers|vehicles|tanks|jets|aircraft|helicopters|grenades|mines|cartridges|guns|"
    r"systems|batteries|containers|munitions|pieces|units|crates|tonnes|tons|machine guns|"
    r"pistols|mortars|boats|ships|radars|sights|trucks|fighters|airframes)\b"
)
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_WORDNUM = (r"(?P<word>hundreds of thousands|tens of thousands|a million|a dozen|two dozen|"
            r"three dozen|dozens|hundreds|thousands|millions|one|two|three|four|five|six|seven|"
            r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty)")  # fmt: skip
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|m)\b)?"
MONEY = re.compile(
    r"(?P<cur1>US\$|€|\$|£|KRW|EUR|USD)\s?" + _NUMBER + _SCALE
    + r"|" + _NUMBER.replace("num", "num2") + r"\s*(?P<scale2>thousand|million|billion|bn|mn)?\s+"
    r"(?P<cur2>euros|euro|dollars|Swiss francs|francs|pounds|leva|zloty|rubles|roubles)\b"
)  # fmt: skip
COUNT = re.compile(
    r"(?:(?:some|about|around|approximately|roughly|nearly|almost|more than|over|at least|"
    r"up to|between|all|a total of)\s+)?"
    r"(?:" + _NUMBER + _SCALE + r"|" + _WORDNUM + r")"
    r"(?:\s+(?:and|to)\s+\d+(?:\.\d+)?(?:\s+(?:million|thousand))?)?"
    r"\s+(?:of\s+)?" + UNITS,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float | int
    unit: str


MAX_VALUE = 10**13  # past any real count or price: a typo or a hostile text


def _number(num: str, scale: str | None) -> float | int | None:
    if len(num) > 24:
        return None
    value = float(num.replace(",", "")) * SCALE.get((scale or "").lower(), 1)
    if not 0 <= value < MAX_VALUE:
        return None
    return int(value) if value == int(value) else value


def money(sentence: str) -> Quantity | None:
    m = MONEY.search(sentence)
    if m is None:
        return None
    if m.group("num") is not None:
        value = _number(m.group("num"), m.group("scale"))
        currency = CURRENCY[m.group("cur1")]
    else:
        value = _number(m.group("num2"), m.group("scale2"))
        currency = CURRENCY[m.group("cur2")]
    return None if value is None else Quantity(m.group(0).strip(), value, currency)


def _overlapping(pattern: re.Pattern[str], text: str):  # type: ignore[no-untyped-def]
    """Matches that may start inside a skipped one ("USD 12 million for 40 mortars")."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def count(sentence: str) -> Quantity | None:
    prices = [(p.start(), p.end()) for p in MONEY.finditer(sentence)]
    for m in _overlapping(COUNT, sentence):
        text = m.group(0)
        if m.start() and re.match(r"[\d.,]", sentence[m.start() - 1]):
            continue  # inside a number already refused
        if any(a <= m.start("num" if m.group("num") else "word") < b for a, b in prices) or (
            re.search(r"(?:US\$|€|\$|£|USD|EUR)\s?$", sentence[: m.start()])
            or re.search(r"\bworth\b", text)
        ):
            continue  # "€800 million worth of Grad rockets" is a price, not 800 million rockets
        if m.group("num") is not None:
            after = sentence[m.end("num") : m.end("num") + 4]
            if re.match(r"\s?-?mm|x\d", after):  # a calibre, not a count
                continue
            scale = (
                m.group("scale")
                or (re.search(r"(?:and|to)\s+[\d.]+\s+(million|thousand)", text) or [None, None])[1]
            )
            value = _number(m.group("num"), scale)
            if value is None:
                continue
        else:
            value = WORDS[m.group("word").lower()]
        return Quantity(text.strip(), value, m.group("unit").lower())
    return None


def quantity(sentences: list[str]) -> Quantity | None:
    """The first count the evidence states; money only when it states no count."""
    for s in sentences:
        found = count(s)
        if found is not None:
            return found
    for s in sentences:
        found = money(s)
        if found is not None:
            return found
    return None
