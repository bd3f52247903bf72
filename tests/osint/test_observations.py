"""A transfer as an observation record: stable id, ISO days, money kept out of counts."""

from __future__ import annotations

from enduse.domain.evidence import Observation
from enduse.osint.extract import Transfer, extract
from enduse.osint.items import Item
from enduse.osint.observations import observation_of
from enduse.osint.quantities import Quantity


def test_a_transfer_becomes_a_valid_observation():
    t = Transfer("RS", "UA", ["CZ"], items=[Item("152 mm shells", "152 mm", "ML3")],
                 quantity=Quantity("44,000 shells", 44000, "shells"), date="2023",
                 claimants=["SVR"], status="partly_confirmed", evidence=["..."])  # fmt: skip
    doc = observation_of(
        t, text="report", source="wire", published="2025-06-12", today="2025-07-01"
    )
    Observation.model_validate(doc)
    assert doc["date"] == "2023-01-01" and doc["reported"] == "2025-06-12"
    assert doc["status"] == "alleged" and doc["report_status"] == "partly_confirmed"
    assert doc["items"][0] == {"description": "152 mm shells", "calibre": "152 mm", "category": "ML3",
                               "quantity_text": "44,000 shells", "quantity": 44000}  # fmt: skip
    assert doc["source"] == "wire: SVR"


def test_money_is_never_a_count_and_ids_follow_the_text():
    t = Transfer("RS", "BF", items=[Item("ammunition", None, "ML3")],
                 quantity=Quantity("€14.6 million", 14600000, "EUR"))  # fmt: skip
    a = observation_of(t, text="one", source="s", published=None, today="2025-07-01")
    b = observation_of(t, text="one", source="other", published=None, today="2025-07-01")
    c = observation_of(t, text="two", source="s", published=None, today="2025-07-01")
    assert "quantity" not in a["items"][0] and a["items"][0]["quantity_text"] == "€14.6 million"
    assert a["id"] == b["id"] != c["id"] and a["date"] == "2025-07-01"


def test_unnamed_intermediaries_are_marked():
    text = "Serbian arms makers supplied shells to Ukraine using fake certificates and intermediary countries."
    (t,) = extract(text)
    doc = observation_of(t, text=text, source="s", published=None, today="2025-07-01")
    assert doc["via_unnamed"] is True


def test_the_same_report_saved_differently_has_one_id():
    from enduse.osint.observations import report_id

    text = "Serbian arms makers supplied shells to Ukraine.\n\nThe SVR said so."
    assert report_id(text) == report_id("\ufeff" + text.replace("\n", "\r\n") + "\n")
    assert report_id(text) != report_id(text.replace("Ukraine", "Poland"))


def test_no_intermediary_is_not_unnamed_intermediaries():
    text = ("Serbian arms makers shipped 152 mm shells directly to Ukraine in 2025. "
            "No intermediary was involved, the paper said.")  # fmt: skip
    (t,) = extract(text)
    doc = observation_of(t, text=text, source="s", published=None, today="2025-07-01")
    assert doc["via_unnamed"] is False


def test_the_amount_goes_to_the_goods_it_counts():
    t = Transfer("RS", "UA", items=[Item("rockets", None, "ML4"), Item("machine guns", None, "ML1")],
                 quantity=Quantity("200 machine guns", 200, "machine guns"))  # fmt: skip
    doc = observation_of(t, text="x", source="s", published=None, today="2025-07-01")
    assert "quantity" not in doc["items"][0] and doc["items"][1]["quantity"] == 200
    bare = Transfer("RS", "UA", quantity=Quantity("40,000 units", 40000, "units"))
    doc = observation_of(bare, text="y", source="s", published=None, today="2025-07-01")
    assert doc["items"] == [
        {"description": "40,000 units", "quantity_text": "40,000 units", "quantity": 40000}
    ]
