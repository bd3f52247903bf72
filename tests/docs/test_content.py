"""The instance-free content validators must judge exactly as the signed-form models do."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from enduse.docs.compact import embed_parties
from enduse.docs.content import (
    CONTENT_VALIDATORS,
    SIGNED_MODELS,
    _compile,
    field,
    validate_content,
)
from enduse.docs.doctypes import DOC_TYPES
from enduse.domain.errors import problems_from_pydantic
from enduse.domain.party import Party


def signed_documents(bundle) -> dict[str, dict[str, Any]]:
    parties = {p.id: p for p in bundle.parties}
    out = {}
    for code, record in (
        ("EUC", bundle.eucs[0]),
        ("LIC", bundle.licences[0]),
        ("DVC", bundle.delivery_verifications[0]),
    ):
        out[code] = embed_parties(DOC_TYPES[code], record.to_json(), parties)
    return out


def verdict(code: str, doc: Any, *, compiled: bool) -> Any:
    try:
        if compiled:
            validate_content(code, doc)
        else:
            SIGNED_MODELS[code].model_validate(doc)
    except ValidationError as e:
        return sorted((p.path, p.reason) for p in problems_from_pydantic(e, "document", doc))
    return "valid"


def test_valid_documents_and_their_fields(seed_bundle):
    for code, doc in signed_documents(seed_bundle).items():
        assert verdict(code, doc, compiled=True) == "valid"
    data = validate_content("EUC", signed_documents(seed_bundle)["EUC"])
    assert str(field(data, "date_of_issue")) == "2025-02-03"
    assert field(data, "end_user.country") == "CZ"


def test_duplicate_lines_are_caught_without_models(seed_bundle):
    doc = signed_documents(seed_bundle)["EUC"]
    doc["items"][1]["line"] = 1
    assert verdict("EUC", doc, compiled=True) == verdict("EUC", doc, compiled=False)
    assert verdict("EUC", doc, compiled=True) == [("document.items", "duplicate")]


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
    st.text(max_size=5), st.sampled_from(["CZ", "XX", "ML3.a", "2025-02-30", "2025-01-01", "pieces"]),
    st.lists(st.integers(0, 2), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_compiled_and_model_validation_agree_on_mutations(seed_bundle, data):
    docs = signed_documents(seed_bundle)
    code = data.draw(st.sampled_from(sorted(docs)))
    doc = copy.deepcopy(docs[code])
    for _ in range(data.draw(st.integers(1, 3))):
        target: Any = doc
        while isinstance(target, dict | list) and target and data.draw(st.booleans()):
            key = data.draw(
                st.sampled_from(
                    sorted(target, key=str) if isinstance(target, dict) else range(len(target))
                )
            )
            if not isinstance(target[key], dict | list):
                break
            target = target[key]
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target, key=str)))
            action = data.draw(st.sampled_from(["set", "drop", "add"]))
            if action == "set":
                target[key] = data.draw(VALUES)
            elif action == "drop":
                del target[key]
            else:
                new_key = data.draw(st.one_of(st.text(min_size=1, max_size=4), st.integers(-2, 2)))
                target[new_key] = data.draw(VALUES)
        elif isinstance(target, list) and target:
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(VALUES)
    assert verdict(code, doc, compiled=True) == verdict(code, doc, compiled=False)
    try:
        CONTENT_VALIDATORS[code].validate_python(doc)
    except ValidationError:
        return  # the fast path may refuse more: the models then decide
    SIGNED_MODELS[code].model_validate(doc)  # but what it accepts, the models accept


def test_unknown_keys_and_loose_spellings_fall_back_to_the_models(seed_bundle):
    doc = signed_documents(seed_bundle)["EUC"]
    doc["colour"] = "green"
    doc["items"][0]["control_entry"] = "ml 3 a"
    with pytest.raises(ValidationError):
        CONTENT_VALIDATORS["EUC"].validate_python(doc)
    data = validate_content("EUC", doc)  # valid: the models keep unknown keys
    assert str(field(data, "date_of_issue")) == "2025-02-03"


def test_a_validator_needing_instances_is_refused_at_compile_time():
    class Holder(BaseModel):
        model_config = ConfigDict(strict=True)
        parties: list[Party]

        @field_validator("parties")
        @classmethod
        def _names(cls, parties: list[Party]) -> list[Party]:
            assert all(p.name for p in parties)
            return parties

    with pytest.raises(TypeError, match="needs model instances"):
        _compile(Holder)


def test_a_lax_model_is_refused_at_compile_time():
    class Lax(BaseModel):
        count: int

    with pytest.raises(TypeError, match="not strict"):
        _compile(Lax)
