"""Problems, DomainError and the translation of pydantic errors into JSON paths and reason codes."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from enduse.domain.errors import (
    DomainError,
    Problem,
    _reason,
    json_path,
    problems_from_pydantic,
)


class Colour(enum.Enum):
    RED = "red"


def _positive_even(v: int) -> int:
    if v % 2:
        raise ValueError("must be even")
    return v


def _assert_short(v: str) -> str:
    if len(v) >= 5:
        raise AssertionError("too wordy")  # not `assert`: pytest rewrites those messages
    return v


class Child(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    n: int
    tags: list[str] = Field(default_factory=list, max_length=2)


class Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = "x"
    kind: Literal["a", "b"] = "a"
    even: Annotated[int, AfterValidator(_positive_even)] = 2
    short: Annotated[str, AfterValidator(_assert_short)] = "x"
    amount: Annotated[int | float, Field(gt=0)] = 1
    small: Annotated[int, Field(le=10)] = 1
    at_least: Annotated[int, Field(ge=1)] = 1
    code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "CZ"
    label: Annotated[str, Field(max_length=3)] = "x"
    children: list[Child] = Field(default_factory=list)
    when: dict[str, int] = Field(default_factory=dict)


def problems_for(data: object, root: str = "$") -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        Model.model_validate(data)
    return [(p.path, p.reason) for p in problems_from_pydantic(info.value, root, data)]


# --- Problem ---------------------------------------------------------------------


def test_problem_str_and_dict() -> None:
    p = Problem("$.eucs[0].items[1].quantity", "wrong_type", "Input should be a valid integer")
    assert str(p) == "$.eucs[0].items[1].quantity: wrong_type: Input should be a valid integer"
    assert p.as_dict() == {
        "path": "$.eucs[0].items[1].quantity",
        "reason": "wrong_type",
        "message": "Input should be a valid integer",
    }


def test_problem_is_an_immutable_value() -> None:
    p = Problem("$", "bad_json", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.path = "$.x"  # type: ignore[misc]
    assert p == Problem("$", "bad_json", "x")
    assert len({p, Problem("$", "bad_json", "x"), Problem("$", "bad_json", "y")}) == 2


# --- DomainError -----------------------------------------------------------------


def test_domain_error_carries_its_problems_in_order() -> None:
    ps = [Problem("$.a", "missing", "m"), Problem("$.b", "invalid", "i")]
    err = DomainError(ps)
    assert isinstance(err, ValueError)
    assert err.problems == tuple(ps)
    assert err.first == ps[0]
    assert str(err) == "$.a: missing: m; $.b: invalid: i"


def test_domain_error_accepts_any_sequence_and_copies_it() -> None:
    ps = [Problem("$.a", "missing", "m")]
    err = DomainError(ps)
    ps.append(Problem("$.b", "invalid", "i"))
    assert len(err.problems) == 1
    assert DomainError((Problem("$", "x", "y"),)).first.reason == "x"


def test_domain_error_message_is_capped_at_twenty_problems_but_keeps_all() -> None:
    ps = [Problem(f"$.items[{i}]", "invalid", "bad") for i in range(25)]
    err = DomainError(ps)
    assert len(err.problems) == 25
    assert str(err).count("invalid") == 20
    assert "$.items[19]" in str(err) and "$.items[20]" not in str(err)


def test_domain_error_can_be_raised_and_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match=r"\$\.x: unknown_key"):
        raise DomainError([Problem("$.x", "unknown_key", "kept")])


# --- json_path --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "root", "expected"),
    [
        ([], "$", "$"),
        (["format"], "$", "$.format"),
        (["eucs", 0, "items", 1, "quantity"], "$", "$.eucs[0].items[1].quantity"),
        ([0, 1], "$", "$[0][1]"),
        (["from"], "$.embargoes[2]", "$.embargoes[2].from"),
    ],
)
def test_json_path(loc: list[str | int], root: str, expected: str) -> None:
    assert json_path(loc, root) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.integers(0, 10**6), st.text(alphabet="abcxyz_", min_size=1)), max_size=6),
    st.lists(st.one_of(st.integers(0, 10**6), st.text(alphabet="abcxyz_", min_size=1)), max_size=6),
)
def test_json_path_composes(a: list[str | int], b: list[str | int]) -> None:
    assert json_path(a + b) == json_path(b, root=json_path(a))
    assert json_path(a).count("[") == sum(isinstance(p, int) for p in a)
    assert json_path(a).count(".") == sum(isinstance(p, str) for p in a)


# --- reason codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"surprise": 1}, ("$.surprise", "unknown_key")),
        ({"name": 1}, ("$.name", "wrong_type")),
        ({"kind": "c"}, ("$.kind", "unknown_value")),
        ({"even": 3}, ("$.even", "invalid")),
        ({"short": "longer"}, ("$.short", "invalid")),
        ({"amount": 0}, ("$.amount", "out_of_range")),
        ({"small": 11}, ("$.small", "out_of_range")),
        ({"at_least": 0}, ("$.at_least", "out_of_range")),
        ({"code": "cz"}, ("$.code", "invalid")),
        ({"children": [{}]}, ("$.children[0].n", "missing")),
        ({"children": [{"n": 1, "tags": ["a", "b", "c"]}]}, ("$.children[0].tags", "too_long")),
        ({"children": [{"n": 1, "x": 2}]}, ("$.children[0].x", "unknown_key")),
        ({"children": {"n": 1}}, ("$.children", "wrong_type")),
        ({"when": {"k": "1"}}, ("$.when.k", "wrong_type")),
    ],
)
def test_pydantic_errors_become_reason_codes(
    data: dict[str, object], expected: tuple[str, str]
) -> None:
    assert problems_for(data) == [expected]


@pytest.mark.parametrize(
    ("error_type", "reason"),
    [
        ("missing", "missing"),
        ("extra_forbidden", "unknown_key"),
        ("literal_error", "unknown_value"),
        ("enum", "unknown_value"),
        ("value_error", "invalid"),
        ("assertion_error", "invalid"),
        ("string_pattern_mismatch", "invalid"),
        ("greater_than", "out_of_range"),
        ("greater_than_equal", "out_of_range"),
        ("less_than_equal", "out_of_range"),
        ("too_long", "too_long"),
        ("int_type", "wrong_type"),
        ("model_type", "wrong_type"),
        ("int_parsing", "wrong_type"),
        ("date_from_datetime_parsing", "wrong_type"),
        ("string_too_short", "too_short"),
        ("something_new", "invalid"),
    ],
)
def test_reason_table(error_type: str, reason: str) -> None:
    assert _reason(error_type) == reason


def test_enum_errors_are_unknown_value() -> None:
    class Lax(BaseModel):
        colour: Colour

    with pytest.raises(ValidationError) as info:
        Lax.model_validate({"colour": "blue"})
    assert [(p.path, p.reason) for p in problems_from_pydantic(info.value)] == [
        ("$.colour", "unknown_value")
    ]


def test_lax_parsing_errors_are_wrong_type() -> None:
    class Lax(BaseModel):
        n: int

    with pytest.raises(ValidationError) as info:
        Lax.model_validate({"n": "abc"})
    assert [(p.path, p.reason) for p in problems_from_pydantic(info.value)] == [
        ("$.n", "wrong_type")
    ]


def test_validator_messages_lose_pydantic_prefixes() -> None:
    with pytest.raises(ValidationError) as info:
        Model.model_validate({"even": 3, "short": "longer"})
    messages = [p.message for p in problems_from_pydantic(info.value)]
    assert messages == ["must be even", "too wordy"]


def test_union_members_are_merged_into_one_problem() -> None:
    # int | float: pydantic reports one error per member at locations ...amount.int, ...amount.float
    assert problems_for({"amount": "5"}) == [("$.amount", "wrong_type")]
    assert problems_for({"amount": -1}) == [("$.amount", "out_of_range")]


def test_all_errors_reported_with_root() -> None:
    got = problems_for(
        {"name": 1, "kind": "z", "children": [{"n": "1"}], "more": 0}, root="$.eucs[4]"
    )
    assert got == [
        ("$.eucs[4].name", "wrong_type"),
        ("$.eucs[4].kind", "unknown_value"),
        ("$.eucs[4].children[0].n", "wrong_type"),
        ("$.eucs[4].more", "unknown_key"),
    ]


def test_problem_messages_are_not_empty() -> None:
    with pytest.raises(ValidationError) as info:
        Model.model_validate({"name": 1, "kind": "z", "even": 1})
    assert all(p.message for p in problems_from_pydantic(info.value))


@pytest.mark.parametrize("key", ["int", "str", "float", "function-after", "lots[0]"])
def test_real_keys_named_like_union_tags_stay_in_the_path(key: str) -> None:
    assert problems_for({"when": {key: "1"}}) == [(f"$.when.{key}", "wrong_type")]
