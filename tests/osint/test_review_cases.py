"""Sentences a review of the rules found misread: each names what it must (and must not) give."""

import pytest

from enduse.osint.extract import extract


def _pairs(text: str) -> set[tuple[str, str]]:
    return {(t.supplier_country, t.recipient_country) for t in extract("Headline\n\n" + text)}


def _status(text: str) -> dict[tuple[str, str], str]:
    return {(t.supplier_country, t.recipient_country): t.status
            for t in extract("Headline\n\n" + text)}  # fmt: skip


@pytest.mark.parametrize(("text", "pairs"), [
    ("Turkey sold drones to Ukraine, a German official said.", {("TR", "UA")}),
    ("Over the past two years, Poland bought 180 K2 tanks from South Korea.", {("KR", "PL")}),
    ("Iranian-backed militias in Iraq received drones from Russia.", {("RU", "IQ")}),
    ("Ukrainian forces took possession of 20 Leopard tanks from Germany.", {("DE", "UA")}),
    ("Russia delivered T-90 tanks to Syria, but the ministry did not say how many.",
     {("RU", "SY")}),
    ("The United States has not sent any F-16s to Ukraine, but the Netherlands delivered 24 "
     "jets to Ukraine.", {("NL", "UA")}),
    ("Russia shipped S-400 batteries; Turkey received them in July 2019.", {("RU", "TR")}),
    ("China lent $2 billion to Pakistan in 2023.", set()),
    ("Japan gave $500 million in humanitarian aid to Ukraine.", set()),
    ("Russia moved thousands of troops to Belarus in January.", set()),
    ("Israel exports drones worldwide. Azerbaijan received new jets in 2023, officials said.",
     set()),
])  # fmt: skip
def test_pairs(text: str, pairs: set[tuple[str, str]]) -> None:
    assert _pairs(text) == pairs


def test_a_long_made_up_word_or_a_run_of_names_is_read_quickly_enough_to_finish() -> None:
    assert extract("A" * 20_000 + " " + "U.S. " * 2_000 + "Defence-" * 2_000) == []


def test_deliveries_that_happened_are_not_planned() -> None:
    status = _status("Belarus shipped the rifles to Sudan in 2021, under a deal that was signed "
                     "in 2019.")  # fmt: skip
    assert status[("BY", "SD")] != "planned"
    status = _status("Egypt signed a contract with France in 2015, and 24 Rafale jets were "
                     "handed over to Egypt in 2016.")  # fmt: skip
    assert status[("FR", "EG")] != "planned"


def test_an_accusation_by_the_recipient_s_government_confirms_nothing() -> None:
    status = _status("The UAE shipped weapons to the RSF, Sudan's army-led government said.")
    assert status[("AE", "SD")] == "alleged"


def test_a_charge_the_accused_denies_keeps_its_accuser() -> None:
    [t] = extract("Drones\n\nPentagon spokesman John Kirby said Iran had shipped hundreds of "
                  "drones to Russia, a charge it has denied.")  # fmt: skip
    assert t.denied_by == [] and t.claimants


def test_common_words_for_other_things_do_not_cancel_a_delivery() -> None:
    for text in ("Bulgaria delivered shells to Ukraine in 2023, but the ministry refused to give "
                 "details.",
                 "Russia delivered jets to Pakistan in the 1990s, after the collapse of the Soviet "
                 "Union."):  # fmt: skip
        assert "not_delivered" not in _status(text).values(), text


def test_the_junta_is_not_its_supplier() -> None:
    text = ("Mali expelled French troops in 2022. In 2023 the junta took delivery of Su-25 jets "
            "from Russia.")  # fmt: skip
    assert _pairs(text) == {("RU", "ML")}


@pytest.mark.parametrize(("text", "pairs"), [
    ("Washington approved and Taipei signed a package of anti-ship missiles.", set()),
    ("Researchers traced the rifles to Serbia; they were documented in Sudan.", {("RS", "SD")}),
    ("Sailors seized Iranian-made missile parts. The cargo was destined for the Houthis.",
     {("IR", "YE")}),
    ("Nine cargo flights came from airfields in the UAE to Chad.", {("AE", "TD")}),
])  # fmt: skip
def test_pairs_second_round(text: str, pairs: set[tuple[str, str]]) -> None:
    assert _pairs(text) == pairs


def test_sent_no_weapons_is_a_denial() -> None:
    assert _pairs("Iran's ministry says Iran has sent no weapons to Sudan.") == set()
