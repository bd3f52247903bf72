"""Claimants, deniers and status words."""

from __future__ import annotations

from enduse.osint.attribution import deniers, sayers, status_of


def test_sayers_in_their_forms():
    assert sayers("Russia's Foreign Intelligence Service (SVR) on Thursday accused Serbian arms makers.") == [
        "Russia's Foreign Intelligence Service (SVR)"]  # fmt: skip
    assert sayers("Rockets went to Ukraine, according to Der Morgenbote.") == ["Der Morgenbote"]
    assert sayers('Iran continues to arm the Houthis," said the CENTCOM commander.') == [
        "CENTCOM commander"
    ]
    assert "Mali's transitional government" in sayers(
        "Mali's transitional government said on Monday that it had them."
    )


def test_deniers_but_not_a_refused_request():
    assert deniers("Iran's Foreign Ministry dismissed the allegation as a fabrication.") == [
        "Iran's Foreign Ministry"
    ]
    assert deniers("Tehran denies providing drones for use in Ukraine.") == ["Tehran"]
    assert (
        deniers("Switzerland has rejected a second German request to re-export ammunition.") == []
    )


def test_status_words():
    assert (
        status_of(["It cancelled a contract for 5,000 rifles."], [], "", False, True)
        == "not_delivered"
    )
    assert (
        status_of(["Deliveries are scheduled to begin in 2027."], [], "", False, True) == "planned"
    )
    assert status_of(["The ministry confirmed the delivery."], [], "", False, True) == "confirmed"
    partly = "The ministry confirmed it had licensed the export, but said it had no information about any re-export."
    assert status_of(["Rockets reached Ukraine."], [partly], "", False, True) == "partly_confirmed"
    assert status_of(["Rockets reached Ukraine."], [], "", False, True) == "alleged"
    assert (
        status_of(["Shells went to Ukraine."], [], "Pakistan denies selling shells", True, False)
        == "denied"
    )
    assert (
        status_of(
            ["Officials acknowledged ammunition could end up in Ukraine."], [], "", False, True
        )
        == "alleged"
    )


def test_collapsed_and_shelved_deals_were_not_delivered() -> None:
    for text in ("A contract for Uruguay to buy six aircraft from Spain has collapsed.",
                 "The sale of tanks to Chile was shelved in May.",
                 "The export licence was revoked after a review."):  # fmt: skip
        assert status_of([text], [], "", False, False) == "not_delivered", text


def test_a_signed_deal_with_nothing_delivered_is_planned() -> None:
    text = "Indonesia has signed a deal for 48 tanks with a Turkish maker, the company said."
    assert status_of([text], [], "", False, False) == "planned"
    delivered = "The company completed delivery of 30 vehicles under a contract signed in 2023."
    assert status_of([delivered], [], "", False, False) == "confirmed"


def test_confirmed_in_part_and_denied_in_part() -> None:
    text = ("The ministry confirmed that a company had exported rockets to the UAE, but rejected "
            "a report that they had reached Sudan.")  # fmt: skip
    assert status_of([text], [], "", True, True) == "partly_confirmed"


def test_a_handover_ceremony_confirms() -> None:
    text = "The first six howitzers were handed over to the army at a ceremony on Friday."
    assert status_of([text], [], "", False, False) == "confirmed"


def test_an_embassy_in_a_capital_is_one_name() -> None:
    text = ("The Embassy of the Republic of Kazakhstan in the United Kingdom on Tuesday rejected "
            "a report that Kazakhstan had shipped vehicles to Russia.")  # fmt: skip
    assert deniers(text) == ["Embassy of the Republic of Kazakhstan in the United Kingdom"]


def test_who_says_it_rejected_a_report_denies() -> None:
    text = "Serbia's Ministry of Foreign Affairs said on Friday that it rejected a report."
    assert deniers(text) == ["Serbia's Ministry of Foreign Affairs"]
    assert deniers("Claims denied") == []  # a headline's noun is no one


def test_a_title_and_the_name_beside_it_are_one_source() -> None:
    text = ("The frigates arrived, the Military Spokesman of the Egyptian Armed Forces, Colonel "
            "Tamer El-Gohary, said on Thursday.")  # fmt: skip
    assert sayers(text) == [
        "Military Spokesman of the Egyptian Armed Forces, Colonel Tamer El-Gohary"]  # fmt: skip


def test_goods_received_in_a_ceremony_and_a_sale_approved() -> None:
    assert status_of(["The ships were received by the Egyptian Navy."], [], "", False, False) \
        == "confirmed"  # fmt: skip
    text = "The State Department has approved the possible sale to Taiwan of 60 launchers."
    assert status_of([text], [], "", False, False) == "planned"


def test_an_agreement_confirmed_as_signed_is_planned_and_a_stopped_van_undelivered() -> None:
    signed = "The ministry confirmed that the agreement had been signed in Bucharest on Monday."
    assert status_of([signed], [], "", False, False) == "planned"
    stopped = ("Border guards stopped a van carrying 18 rifles that he had dispatched to a "
               "customer in Belarus, the court found.")  # fmt: skip
    assert status_of([stopped], [], "", False, False) == "not_delivered"
