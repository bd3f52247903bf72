"""Field types shared by every document: dates, countries, money, quantities.

Models are strict about JSON types (a quantity given as "30000" is an error,
not silently converted) because a bundle is evidence and must mean exactly
what it says.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from enduse.domain.codes import check_country, check_currency
from enduse.domain.control_list import ControlEntryError, parse_control_entry

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(DATE_PATTERN)
DECIMAL_PATTERN = r"^-?[0-9]{1,18}(\.[0-9]{1,6})?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)


def iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "expected an ISO 8601 date string YYYY-MM-DD")
    if not _DATE.fullmatch(value):
        raise ValueError(f"expected an ISO 8601 date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def check_decimal(value: str) -> str:
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"expected a decimal string such as '1250.00', got {value!r}")
    return value


@lru_cache(maxsize=4096)
def _control_entry_problem(value: str) -> str | None:
    """Cached: entries come from a small vocabulary and this runs on every verification."""
    try:
        parse_control_entry(value)
    except ControlEntryError as e:
        return str(e)
    return None


def check_control_entry(value: str) -> str:
    problem = _control_entry_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _criterion(value: Any) -> Any:
    if isinstance(value, bool) or str(value) not in {str(i) for i in range(1, 9)}:
        raise ValueError(f"EU Common Position criteria are 1 to 8, got {value!r}")
    return value


IsoDate = Annotated[date, BeforeValidator(iso_date)]
Country = Annotated[str, AfterValidator(check_country)]
Currency = Annotated[str, AfterValidator(check_currency)]
DecimalString = Annotated[str, AfterValidator(check_decimal)]
ControlEntryCode = Annotated[str, AfterValidator(check_control_entry)]
Criterion = Annotated[int | str, AfterValidator(_criterion)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
# Stored as NUMERIC(20, 6): at most 14 digits before the point.
Quantity = Annotated[int | FiniteFloat, Field(gt=0, lt=10**14)]
Count = Annotated[int | FiniteFloat, Field(ge=0, lt=10**14)]
Line = Annotated[int, Field(ge=1)]
Identifier = Annotated[str, Field(min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every document object.

    Unknown keys are kept (forward compatibility: a newer peer's fields survive
    import and export) and reported as warnings by `unknown_keys`.
    """

    model_config = ConfigDict(strict=True, extra="allow")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(a) for a in get_args(annotation))


@cache
def _model_fields(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON name) of the fields that can hold models: the only ones to descend into."""
    return tuple(
        (name, field.alias or name)
        for name, field in cls.model_fields.items()
        if _holds_models(field.annotation)
    )


def unknown_keys(obj: Any, path: str = "$") -> list[str]:
    """JSON paths of every key a model kept without knowing it."""
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for key in obj.model_extra or {}:
            found.append(f"{path}.{key}")
        for name, alias in _model_fields(type(obj)):
            value = getattr(obj, name)
            if value is not None:
                found += unknown_keys(value, f"{path}.{alias}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += unknown_keys(item, f"{path}[{i}]")
    return found
