"""Which domain model validates the content of each signed document type.

In the signed form every party reference is the party itself (id, name,
country, kind), so each type gets a variant of its domain model whose party
fields are `Party` objects: one validation pass, no unpacking.

Verification only needs to know whether the content is valid, not model
objects, so `CONTENT_VALIDATORS` are compiled from the same models' core
schemas with every model node replaced by its field schema, and the Python
checks of plain strings replaced by equivalents pydantic-core runs itself:
no dozen instances per document, no calls back into Python. The compiled
validator may be stricter than the models (it refuses unknown keys and
accepts control-list entries in canonical form only), never looser; what it
refuses goes to the models, which decide and explain. Validators that need
instances are refused when this module loads.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError, core_schema

from enduse.domain.codes import check_country, check_currency, countries, currencies
from enduse.domain.control_list import CANONICAL_PATTERN
from enduse.domain.euc import EUC, Intermediary, check_lines_unique
from enduse.domain.licence import Licence
from enduse.domain.party import Party
from enduse.domain.reexport import ReexportRequest
from enduse.domain.shipment import DeliveryVerification
from enduse.domain.types import (
    DATE_PATTERN,
    DECIMAL_PATTERN,
    check_control_entry,
    check_decimal,
    iso_date,
)


class SignedIntermediary(Intermediary):
    party: Party  # type: ignore[assignment]


class SignedEUC(EUC):
    exporter: Party  # type: ignore[assignment]
    end_user: Party  # type: ignore[assignment]
    consignees: list[Party] = Field(default_factory=list)  # type: ignore[assignment]
    intermediaries: list[SignedIntermediary] = Field(default_factory=list)  # type: ignore[assignment]


class SignedLicence(Licence):
    applicant: Party  # type: ignore[assignment]


class SignedDeliveryVerification(DeliveryVerification):
    delivered_to: Party | None = None  # type: ignore[assignment]


class SignedReexportDecision(ReexportRequest):
    requesting_party: Party  # type: ignore[assignment]
    proposed_end_user: Party | None = None  # type: ignore[assignment]


SIGNED_MODELS: dict[str, type[BaseModel]] = {
    "EUC": SignedEUC,
    "LIC": SignedLicence,
    "DVC": SignedDeliveryVerification,
    "RXC": SignedReexportDecision,
}


# Python checks of plain strings, and what pydantic-core can check instead without calling back
# into Python: the same test, or (control entries) a stricter one.
_RUST_TWINS = {
    check_country: lambda: core_schema.literal_schema(sorted(countries())),
    check_currency: lambda: core_schema.literal_schema(sorted(currencies())),
    check_decimal: lambda: core_schema.str_schema(pattern=DECIMAL_PATTERN, strict=True),
    check_control_entry: lambda: core_schema.str_schema(pattern=CANONICAL_PATTERN, strict=True),
    iso_date: lambda: core_schema.chain_schema(
        [
            core_schema.str_schema(pattern=DATE_PATTERN, strict=True),
            core_schema.date_schema(strict=False),
        ]
    ),
}

# Validators that take model instances, and the plain-data check that replaces each.
_INSTANCE_CHECKS = {"EUC._lines_unique", "Licence._lines_unique"}


def _without_instances(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_without_instances(x, definitions) for x in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind == "model":
        if not node.get("config", {}).get("strict"):
            raise TypeError(
                f"{node['cls'].__name__} is not strict: its fields would validate laxly"
            )
        inner = dict(node["schema"])
        if "ref" in node:
            inner["ref"] = node["ref"]
        return _without_instances(inner, definitions)
    if isinstance(kind, str) and kind.startswith("function-") and "schema" in node:
        function = node["function"]["function"]
        if function in _RUST_TWINS:
            return _RUST_TWINS[function]()
        name = getattr(function, "__qualname__", "")
        if name in _INSTANCE_CHECKS:
            inner = dict(node["schema"])
            if "ref" in node:
                inner["ref"] = node["ref"]
            return _without_instances(inner, definitions)
        if _holds_models(node["schema"], definitions):
            raise TypeError(f"validator {name} needs model instances: add a plain-data twin")
    return {k: _without_instances(v, definitions) for k, v in node.items()}


def _holds_models(node: Any, definitions: dict[str, Any]) -> bool:
    if node.get("type") == "definition-ref":
        node = definitions.get(node["schema_ref"], {})
    if node.get("type") in ("list", "nullable", "default"):
        inner = node.get("items_schema") or node.get("schema") or {}
        return _holds_models(inner, definitions)
    return node.get("type") in ("model", "model-fields")


def _compile(model: type[BaseModel]) -> SchemaValidator:
    schema = model.__pydantic_core_schema__
    definitions = (
        {d["ref"]: d for d in schema.get("definitions", [])}
        if schema.get("type") == "definitions"
        else {}
    )
    # The model nodes carried their config (strict, checked above); say it here. Unknown keys
    # are refused: such rare documents are left to the models, which keep them.
    return SchemaValidator(
        _without_instances(schema, definitions),
        config={"strict": True, "extra_fields_behavior": "forbid"},
    )


CONTENT_VALIDATORS: dict[str, SchemaValidator] = {
    code: _compile(m) for code, m in SIGNED_MODELS.items()
}


def validate_content(code: str, document: dict[str, Any]) -> Any:
    """Validate a signed document's content; returns its field data (see `field`).

    Raises the models' ValidationError, whose messages name the problem, when it is invalid.
    """
    try:
        data = CONTENT_VALIDATORS[code].validate_python(document)
    except ValidationError:
        return SIGNED_MODELS[code].model_validate(document)  # the models decide, and explain
    if code in ("EUC", "LIC"):  # the line-number check the compiled validator left out
        items = document.get("items")
        try:
            check_lines_unique([i.get("line") for i in items])
        except PydanticCustomError as e:
            raise ValidationError.from_exception_data(
                SIGNED_MODELS[code].__name__, [{"type": e, "loc": ("items",), "input": items}]
            ) from None
    return data


def field(data: Any, dotted: str) -> Any:
    """A field of `validate_content`'s result: a model, or the compiled validator's
    (fields, extra, set) tuples."""
    for part in dotted.split("."):
        if isinstance(data, tuple):
            data = data[0]
        data = data.get(part) if isinstance(data, dict) else getattr(data, part, None)
    return data
