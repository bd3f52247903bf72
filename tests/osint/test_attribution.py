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
