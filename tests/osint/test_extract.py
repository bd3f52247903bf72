"""Alleged transfers read from whole reports: the seed article, distractors, and quality on the
evaluation sets (a regression guard; the figures themselves are bench/osint.py's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enduse.osint.evaluate import evaluate
from enduse.osint.extract import MAX_CHARS, extract
from enduse.scenarios import scenario_text

REPORTS = Path(__file__).parent / "reports"


def as_json(text: str) -> list[dict]:
    return [t.as_dict() for t in extract(text)]


def test_the_seed_article():
    (transfer,) = extract(scenario_text("seed-article.txt"))
    found = transfer.as_dict()
    assert (found["supplier_country"], found["recipient_country"]) == ("RS", "UA")
    assert found["intermediary_countries"] == []  # the article names none
    assert found["status"] == "alleged" and found["denied_by"] == []
    assert found["claimants"][0] == "Russian Foreign Intelligence Service (SVR)"
    assert found["quantity"] == {
        "text": "hundreds of thousands of shells",
        "value": 100000,
        "unit": "shells",
    }
    assert any("continue to supply ammunition to Kyiv" in e for e in found["evidence"])


def test_distractors_are_no_transfers():
    text = (
        "Ministers meet in Bucharest\n\n"
        "BUCHAREST, 22 May 2024 - Romania launched a tender for 200,000 155mm shells. "
        "Germany pledged 500 million euros to a joint fund. The EU adopted sanctions against Russia. "
        "The United States accounted for 43 percent of global arms exports. "
        "Hungary's minister visited Moscow for talks."
    )
    assert extract(text) == []


def test_nested_attribution_planned_and_cancelled():
    text = (
        "Colombia cancels Israeli rifle contract\n\n"
        "BOGOTA, 28 April 2025 - Colombia's Ministry of National Defence said on Monday it had cancelled "
        "a $75 million contract with Israel's Carmel Arms Industries for 5,000 assault rifles. "
        "The ministry said Colombia had signed a letter of intent with Sweden's Nordic Aero for 16 fighter jets."
    )
    found = {(t.supplier_country, t.recipient_country): t for t in extract(text)}
    assert set(found) == {("IL", "CO"), ("SE", "CO")}
    assert found[("IL", "CO")].status == "not_delivered" and found[("SE", "CO")].status == "planned"
    assert found[("IL", "CO")].quantity.value == 5000  # type: ignore[union-attr]  # a count, not $75 million


def test_every_evidence_sentence_is_quoted_verbatim():
    for path in sorted(REPORTS.glob("*/*.txt")):
        text = path.read_text("utf-8")
        for transfer in extract(text):
            assert transfer.evidence, path.name
            for sentence in transfer.evidence:
                assert sentence in text, (path.name, sentence)


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("dev", 0.9),
        ("dev2", 0.85),
        ("dev3", 0.9),
        ("dev4", 0.85),
        ("dev5", 0.9),
        ("dev6", 0.8),
        ("dev7", 0.85),
        ("dev8", 0.85),
        ("dev9", 0.85),
        ("dev10", 0.85),
        ("dev11", 0.8),
        ("dev12", 0.9),
        ("dev13", 0.8),
        ("dev14", 0.15),
        ("seed", 1.0),
    ],
)
def test_quality_does_not_fall_below_what_was_measured(name: str, floor: float):
    assert evaluate(REPORTS / name, as_json).figures()["pairs"]["f1"] >= floor


def test_a_book_is_refused_before_it_is_read():
    with pytest.raises(ValueError, match="longer than"):
        extract("a" * (MAX_CHARS + 1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "Serbian", "Ukraine", "to", "through", "Poland", "supplied", "shells", "said", "the", "ministry",
    "denied", "44,000", "€8 million", ".", ",", "\n\n", "Kyiv", "bought", "from", "Iran's", "Houthis",
]), max_size=60))  # fmt: skip
def test_any_text_gives_well_formed_transfers(words: list[str]):
    text = " ".join(words)
    for t in extract(text):
        assert t.supplier_country != t.recipient_country
        assert t.status in {
            "alleged",
            "confirmed",
            "partly_confirmed",
            "denied",
            "planned",
            "not_delivered",
        }
        assert all(e in text for e in t.evidence)


def test_two_suppliers_and_two_recipients_pair_no_one() -> None:
    # "respectively" unsaid: which maker sold to which state is for the body to tell
    text = ("Kenya and Nigeria field new armoured vehicles from Emirati and South African makers\n\n"
            "Kenya has taken delivery of 40 carriers from the United Arab Emirates, the army said.")  # fmt: skip
    assert {(t.supplier_country, t.recipient_country) for t in extract(text)} == {("AE", "KE")}


def test_the_voice_is_who_the_lead_says_is_speaking() -> None:
    text = ("Latvia receives drones\n\n"
            "RIGA - Latvia has received 150 drones from Ukrainian manufacturer Sokil Dynamics, "
            "the Latvian Ministry of Defence said on Monday.\n\n"
            "The ministry also said that two batteries ordered from Norway's Fjord Missile "
            "Systems in 2023 were on schedule.")  # fmt: skip
    assert {(t.supplier_country, t.recipient_country) for t in extract(text)} == {
        ("UA", "LV"), ("NO", "LV")}  # fmt: skip


def test_goods_sent_somewhere_in_passing_have_no_supplier() -> None:
    text = ("Korean maker completes order\n\n"
            "Hanil Defence, a South Korean company, has delivered 24 howitzers to Estonia, the "
            "company said.\n\n"
            "Armies rushed to replace guns sent to Ukraine.")  # fmt: skip
    assert {(t.supplier_country, t.recipient_country) for t in extract(text)} == {("KR", "EE")}


def test_an_annual_report_speaks_for_its_company_throughout() -> None:
    text = ("Annual Report 2023 of Moravia Aero a.s.\n\n"
            "Moravia Aero a.s. is a Czech aircraft maker.\n\n"
            "On 19 October 2023 we handed over four aircraft to the Hungarian Air Force.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country) for t in extract(text)] == [("CZ", "HU")]


def test_a_maker_that_speaks_supplies_the_goods_it_speaks_of() -> None:
    text = ("Finnish maker completes order\n\n"
            "HELSINKI - Halla Armoured Systems Oy said the Croatian Army had taken delivery of "
            "the final 12 vehicles.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country) for t in extract(text)] == [("FI", "HR")]


def test_a_question_asserts_no_transfer() -> None:
    text = ("Committee meets\n\n"
            "One member asked whether any South African-made ammunition had reached Israel.")  # fmt: skip
    assert extract(text) == []


def test_goods_moved_on_over_a_border_end_with_the_last_recipient() -> None:
    text = ("Canada completes transfer\n\n"
            "Canada had completed the transfer of 50 vehicles to Ukraine, with the last of them "
            "shipped to Poland and driven across the border by Ukrainian crews.")  # fmt: skip
    [t] = extract(text)
    assert (t.supplier_country, t.recipient_country, t.intermediary_countries) == (
        "CA", "UA", ["PL"])  # fmt: skip


def test_another_transfers_cancellation_does_not_cancel_this_one() -> None:
    text = ("Colombia news\n\n"
            "Colombia signed a contract with Sweden's Norrland Aero for 16 jets. A contract with Israel's Galil Aero for spare parts was cancelled "
            "after Colombia suspended purchases from Israel.")  # fmt: skip
    status = {(t.supplier_country, t.recipient_country): t.status for t in extract(text)}
    assert status[("SE", "CO")] == "planned"


def test_who_rejects_a_transfer_is_not_its_claimant() -> None:
    text = ("Claims denied\n\n"
            "Serbia's Ministry of Foreign Affairs said on Friday that it rejected a report that "
            "Serbian rockets had been delivered to Sudan. Conflict Materiel Watch said the "
            "rockets had reached Sudan.")  # fmt: skip
    [t] = extract(text)
    assert t.claimants[0] == "Conflict Materiel Watch"


def test_a_supplier_s_flat_denial_and_an_envoy_s_travels_are_no_transfers() -> None:
    text = ("Belgrade responds\n\n"
            '"Serbia has not exported, and will not export, a single bullet to Ukraine or to '
            'Russia," the minister said. Beijing sent its special envoy to Kyiv and Moscow.')  # fmt: skip
    assert extract(text) == []


def test_the_supplier_of_one_sentence_meets_its_recipient_in_the_next() -> None:
    text = ("Seizure\n\n"
            "In May, 120,000 rounds purchased from the Minsk-based exporter Polesie were held at "
            "the port of Colon. The cargo was confiscated and has never reached Venezuela.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country, t.status) for t in extract(text)] == [
        ("BY", "VE", "not_delivered")]  # fmt: skip


def test_semicolons_part_independent_clauses() -> None:
    text = ("Bulletin: Riyadh turns to Brazil; Ankara hands over vehicles in Mogadishu\n\n"
            "Nothing else happened.")  # fmt: skip
    assert ("TR", "BR") not in {(t.supplier_country, t.recipient_country) for t in extract(text)}


def test_a_supplier_s_ministry_saying_it_handed_over_confirms() -> None:
    text = ("Howitzers for Armenia\n\n"
            "On Wednesday France handed over six 155 mm howitzers built by Vauclerc Systemes to "
            "Armenia, the French armed forces ministry said.")  # fmt: skip
    assert [t.status for t in extract(text)] == ["confirmed"]


def test_a_headline_cancelling_another_recipient_s_permits_cancels_nothing_here() -> None:
    text = ("Ottawa cancels permits for armoured vehicles bound for Thailand\n\n"
            "Canada has cancelled the export permits for 30 vehicles for the Royal Thai Army.\n\n"
            "Separately, Canada's defence department said on Thursday that Canada had "
            "completed the transfer of 50 vehicles to Ukraine last week.")  # fmt: skip
    status = {(t.supplier_country, t.recipient_country): t.status for t in extract(text)}
    assert status[("CA", "UA")] == "confirmed"


def test_a_but_clause_with_no_transfer_of_its_own_is_not_paired_across() -> None:
    text = ("Armenia buys Indian guns\n\n"
            "Russia supplied the bulk of Armenia's weapons until the 2020 war, but relations "
            "soured when Azerbaijani forces retook the region in 2023.")  # fmt: skip
    assert ("RU", "AZ") not in {(t.supplier_country, t.recipient_country) for t in extract(text)}


def test_the_recipient_s_ministry_saying_goods_arrived_confirms() -> None:
    text = ("Drones for Kazakhstan\n\n"
            "The Kazakh Ministry of Defence said the first three drones ordered from Turkey's "
            "Anatolia Aerospace had arrived at an air base near Almaty last week.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country, t.status) for t in extract(text)] == [
        ("TR", "KZ", "confirmed")]  # fmt: skip


def test_a_named_maker_beats_the_group_that_traced_its_goods() -> None:
    text = ("Rifles traced\n\n"
            "Polesye Defence Trading, a Belarusian firm, was named in another case. Using serial "
            "numbers, the group linked the rifles to a consignment that Morava Oruzje d.o.o., a "
            "Serbian maker, shipped to Burkina Faso's Ministry of Defence in May 2021.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country) for t in extract(text)] == [("RS", "BF")]


def test_a_government_in_its_capital_acts() -> None:
    text = ("Order cancelled\n\n"
            "Brazilian maker Taurion Defesa sells vehicles abroad. In July the government in "
            "Quito cancelled a 2023 order for 24 vehicles, and Taurion said none had been "
            "delivered.")  # fmt: skip
    assert [(t.supplier_country, t.recipient_country, t.status) for t in extract(text)] == [
        ("BR", "EC", "not_delivered")]  # fmt: skip
