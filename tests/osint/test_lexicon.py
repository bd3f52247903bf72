"""The lexicon's inflections come from lemminflect's tables: irregular and doubled forms."""

import re

from enduse.osint.lexicon import (
    RECEIVING_VERBS,
    SUPPLYING_VERBS,
    alternation,
    verb_forms,
)
from enduse.osint.roles import cast


def test_irregular_and_doubled_forms_are_listed() -> None:
    for form in ("sold", "channelled", "channeled", "funnelled", "ferried", "transhipped",
                 "handed over", "re-exported", "gave", "given"):  # fmt: skip
        assert form in SUPPLYING_VERBS, form
    for form in ("bought", "took delivery", "taken possession", "inducted", "procured"):
        assert form in RECEIVING_VERBS, form


def test_phrasal_verbs_keep_their_particle() -> None:
    assert set(verb_forms(("take delivery",))) >= {
        "take delivery", "took delivery", "taken delivery", "takes delivery", "taking delivery",
    }  # fmt: skip


def test_alternation_prefers_the_longest_form_and_any_space() -> None:
    pattern = re.compile(rf"\b(?:{alternation(['hand', 'handed over', 'handed'])})\b")
    assert pattern.search("it was handed  over").group(0) == "handed  over"
    assert pattern.fullmatch("re.export") is None  # dots are escaped, not wildcards


def test_a_verb_outside_the_first_rules_casts_the_supplier() -> None:
    roles = {c.mention.code: c.role for c in cast("Serbia funnelled 20,000 shells to Ukraine.")}
    assert roles == {"RS": "supplier", "UA": "recipient"}
    roles = {
        c.mention.code: c.role for c in cast("Kenya took receipt of ten vehicles from Turkey.")
    }
    assert roles == {"KE": "recipient", "TR": "supplier"}
