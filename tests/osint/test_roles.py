"""The role a sentence gives each state it names, and why."""

from __future__ import annotations

from enduse.osint.roles import cast


def roles(sentence: str) -> list[tuple[str, str]]:
    return [(c.mention.text, c.role) for c in cast(sentence)]


def test_supplier_recipient_and_intermediaries():
    assert roles("Serbian arms makers supplied shells to Ukraine through the Czech Republic and Poland.") == [
        ("Serbian", "supplier"), ("Ukraine", "recipient"), ("Czech Republic", "intermediary"),
        ("Poland", "intermediary")]  # fmt: skip


def test_the_accuser_is_a_speaker_not_a_party():
    found = dict(
        roles(
            "Russia's Foreign Intelligence Service accused Serbian defence companies of supplying Kyiv."
        )
    )
    assert (
        found["Russia"] == "speaker"
        and found["Serbian"] == "supplier"
        and found["Kyiv"] == "recipient"
    )


def test_buying_from_and_receiving():
    assert roles("Armenia has received Indian-made howitzers.") == [
        ("Armenia", "recipient"), ("Indian", "supplier")]  # fmt: skip
    found = dict(roles("Tehran had finalised a deal to buy Su-35 fighters from Russia."))
    assert found == {"Tehran": "recipient", "Russia": "supplier"}


def test_a_companys_seat_is_no_party_unless_the_company_ships():
    assert roles("The service named a Prague-registered trading house as a buyer.") == [
        ("Prague", "none")
    ]
    assert roles("A Singapore-based trader shipped mortar rounds to Myanmar.") == [
        ("Singapore", "supplier"), ("Myanmar", "recipient")]  # fmt: skip


def test_forces_that_act_do_not_receive():
    found = dict(
        roles("U.S. Navy forces seized a shipment of Iranian weapons bound for the Houthis.")
    )
    assert (
        found["U.S."] == "none"
        and found["Iranian"] == "supplier"
        and found["Houthis"] == "recipient"
    )


def test_coordinated_states_share_a_role():
    found = roles("Russian and Chinese state-owned companies have supplied the Myanmar military.")
    assert found == [("Russian", "supplier"), ("Chinese", "supplier"), ("Myanmar", "recipient")]


def _roles(sentence: str) -> dict[str, str]:
    return {c.mention.code: c.role for c in cast(sentence)}


def test_the_maker_named_before_its_country_is_the_supplier() -> None:
    text = "Grenades manufactured by Carpathian Defence Works in Romania were exported to Sudan."
    assert _roles(text) == {"RO": "supplier", "SD": "recipient"}


def test_the_forces_of_a_state_receive() -> None:
    text = "The firm will supply four drones to the Royal Air Force of Oman."
    assert _roles(text)["OM"] == "recipient"


def test_money_from_a_state_is_not_goods() -> None:
    text = "The Almaty firm forwarded payments received from Russia to the defendant."
    assert _roles(text)["RU"] == "none"


def test_a_city_trader_ships() -> None:
    text = "A Hamburg businessman channelled pistols to Russia through a company in Kazakhstan."
    assert _roles(text) == {"DE": "supplier", "RU": "recipient", "KZ": "intermediary"}


def test_forces_that_left_do_not_receive() -> None:
    assert _roles("Since French forces left Mali in 2022, Mali has received helicopters.")["FR"] \
        == "none"  # fmt: skip


def test_the_other_side_of_a_deal_depends_on_who_signs() -> None:
    assert _roles("India has inked a deal with France for 26 jets.") == {
        "IN": "recipient", "FR": "supplier"}  # fmt: skip
    assert _roles("The company signed a framework agreement with Romania for 54 howitzers.") == {
        "RO": "recipient"}  # fmt: skip


def test_a_deal_to_export_and_a_leave_to_export_make_the_subject_the_supplier() -> None:
    assert _roles("Japan signed a deal to export missiles to the United States.") == {
        "JP": "supplier", "US": "recipient"}  # fmt: skip
    assert _roles("Germany approved the export of 20 tanks to Spain.") == {
        "DE": "supplier", "ES": "recipient"}  # fmt: skip


def test_goods_traced_in_a_state_reached_it() -> None:
    assert _roles("Chinese-made rifles were documented in South Sudan.") == {
        "CN": "supplier", "SS": "recipient"}  # fmt: skip


def test_stocks_of_a_state_supply_and_goods_in_a_groups_hands_reached_its_state() -> None:
    roles = _roles("Ammunition documented in the hands of an armed group in South Sudan was "
                   "diverted from Ugandan military stocks.")  # fmt: skip
    assert roles == {"SS": "recipient", "UG": "supplier"}


def test_a_company_of_a_state_buys() -> None:
    roles = _roles("Fjordvik Defence delivered 220 rocket motors to Rheinland Flugkoerper GmbH, "
                   "a German missile manufacturer.")  # fmt: skip
    assert roles == {"DE": "recipient"}


def test_an_order_comes_from_the_buyer() -> None:
    roles = _roles("The group secured a $310 million order from the Egyptian Ministry of Defence.")
    assert roles == {"EG": "recipient"}


def test_completing_a_transfer_supplies() -> None:
    roles = _roles("Canada had completed the transfer of 50 vehicles to Ukraine last week.")
    assert roles == {"CA": "supplier", "UA": "recipient"}


def test_a_state_used_as_transit_and_a_place_within_a_state() -> None:
    assert _roles("The evidence points to a delivery from Russia to Mali, with Guinea used as a "
                  "transit country.")["GN"] == "intermediary"  # fmt: skip
    roles = _roles("They were flown to Rzeszow in south-eastern Poland and handed over to "
                   "Ukrainian military representatives.")  # fmt: skip
    assert roles == {"PL": "recipient", "UA": "recipient"}  # the route folds Poland in later


def test_a_port_where_goods_were_seized_or_transhipped_is_passed_through() -> None:
    assert _roles("The shipment was due to be transhipped at Piraeus onto a vessel.") == {
        "GR": "intermediary"}  # fmt: skip


def test_a_sea_is_no_state() -> None:
    assert _roles("The frigate sailed across the Indian Ocean from China.")["IN"] == "none"


def test_the_declared_end_user_passes_the_goods_on() -> None:
    text = "Export documents declared the end user as a Malaysian maintenance company."
    assert _roles(text) == {"MY": "intermediary"}


def test_according_to_a_state_s_command_is_no_destination() -> None:
    text = "According to US Central Command, sailors seized Iranian-made missile parts."
    assert _roles(text)["US"] != "recipient"


def test_goods_entered_service_with_its_forces_and_an_exporter_based_in_a_capital() -> None:
    assert _roles("Chinese-built jets have entered service with the Pakistan Air Force.") == {
        "CN": "supplier", "PK": "recipient"}  # fmt: skip
    assert _roles("Ammunition purchased from the Minsk-based exporter Polesie was held.") == {
        "BY": "supplier"}  # fmt: skip


def test_a_seller_wins_orders_and_flights_between_two_places_end_at_the_second() -> None:
    assert _roles("The deal was proof that Russia could still win big orders in Egypt.")["RU"] \
        == "supplier"  # fmt: skip
    roles = _roles("Six cargo flights between Ovda air base in southern Israel and Baku carried "
                   "loitering munitions built by Israel's Negev Dynamics.")  # fmt: skip
    assert roles["AZ"] == "recipient"


def test_a_research_group_makes_nothing() -> None:
    text = "The Nairobi Monitor, a Nairobi research group, said vehicles made by a firm were seen."
    assert _roles(text)["KE"] != "supplier"
