"""A company's state, as the report gives it or as its legal form and the report's states
narrow it."""

from enduse.osint.organisations import org_countries


def test_a_single_state_legal_form_names_the_state() -> None:
    assert org_countries("Halla Armoured Systems Oy delivered vehicles.") == {
        "Halla Armoured Systems Oy": "FI"}  # fmt: skip


def test_a_shared_legal_form_takes_the_state_the_report_names_most() -> None:
    text = ("Swiss exports fell. Alpenwerk Defence AG sold guns to Romania. Switzerland's "
            "regulator agreed, and Germany was not involved.")  # fmt: skip
    assert org_countries(text) == {"Alpenwerk Defence AG": "CH"}


def test_the_legal_form_after_a_later_mention_counts() -> None:
    text = "Moravia Aero results\n\nAn excerpt of the report of Moravia Aero a.s., a Czech firm."
    assert org_countries(text)["Moravia Aero"] == "CZ"


def test_a_shared_legal_form_with_no_state_named_stays_unknown() -> None:
    assert org_countries("Alpenwerk Defence AG sold guns to Romania.") == {}


def test_a_balkan_legal_form_is_a_company_and_companies_come_in_the_report_s_order() -> None:
    text = ("Serbian rifles traced. Polesye Defence Trading, a Belarusian firm, was named. "
            "Morava Oruzje d.o.o. shipped rifles to Burkina Faso, Serbia's ministry said.")  # fmt: skip
    assert list(org_countries(text).items()) == [
        ("Polesye Defence Trading", "BY"), ("Morava Oruzje d.o.o.", "RS")]  # fmt: skip
