"""The `enduse.bundle/1` interchange document: a case file or a whole registry in one JSON.

Parsing is strict about structure and reports every problem with its JSON
path; facts that are merely suspicious (over-quantity, expired, ...) are
accepted, because the risk engine must see them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from enduse.domain.errors import DomainError, Problem, problems_from_pydantic
from enduse.domain.euc import EUC
from enduse.domain.evidence import Denial, Embargo, Inventory, Observation
from enduse.domain.licence import Licence
from enduse.domain.party import Authority, Party
from enduse.domain.reexport import ReexportRequest
from enduse.domain.shipment import DeliveryVerification, Shipment
from enduse.domain.types import Record, unknown_keys

FORMAT = "enduse.bundle/1"
MAX_BUNDLE_BYTES = 256 * 1024 * 1024


class Bundle(Record):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)

    format: Literal["enduse.bundle/1"]
    description: str | None = None
    authorities: list[Authority] = Field(default_factory=list)
    parties: list[Party] = Field(default_factory=list)
    inventories: list[Inventory] = Field(default_factory=list)
    eucs: list[EUC] = Field(default_factory=list)
    licences: list[Licence] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    delivery_verifications: list[DeliveryVerification] = Field(default_factory=list)
    reexport_requests: list[ReexportRequest] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    denials: list[Denial] = Field(default_factory=list)
    embargoes: list[Embargo] = Field(default_factory=list)

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def authority(self, authority_id: str) -> Authority | None:
        return next((a for a in self.authorities if a.id == authority_id), None)

    def euc(self, euc_number: str, issuing_authority: str | None = None) -> list[EUC]:
        return [
            e
            for e in self.eucs
            if e.euc_number == euc_number
            and (issuing_authority is None or e.issuing_authority == issuing_authority)
        ]


@dataclass(frozen=True)
class ParsedBundle:
    bundle: Bundle
    warnings: tuple[Problem, ...]


# An EUC is identified by (issuing authority, number): numbers are unique per authority only.
Key = str | tuple[str, str]


@dataclass(frozen=True)
class Reference:
    path: str
    kind: Literal["party", "authority", "euc", "licence", "shipment", "dvc"]
    key: Key


def load_bundle_text(
    text: str | bytes, known_elsewhere: Callable[[str, Key], bool] | None = None
) -> ParsedBundle:
    """Parse bundle JSON; every way it can be broken becomes a DomainError naming where."""
    return parse_bundle(bundle_json(text), known_elsewhere)


def bundle_json(text: str | bytes) -> Any:
    """The JSON of a bundle file, or a DomainError saying what is wrong with it and where."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BUNDLE_BYTES:
        raise DomainError([Problem("$", "too_large", f"bundle over {MAX_BUNDLE_BYTES} bytes")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DomainError(
                [Problem("$", "bad_encoding", f"not UTF-8 at byte {e.start}")]
            ) from None
    try:
        return json.loads(text, parse_constant=_not_json)
    except json.JSONDecodeError as e:
        raise DomainError(
            [Problem("$", "bad_json", f"{e.msg} at line {e.lineno} column {e.colno}")]
        ) from None
    except RecursionError:
        raise DomainError([Problem("$", "bad_json", "nested too deeply")]) from None
    except ValueError as e:  # NaN/Infinity, integers beyond Python's digit limit
        raise DomainError([Problem("$", "bad_json", str(e))]) from None


def _not_json(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON value")


def parse_bundle(
    data: Any, known_elsewhere: Callable[[str, Key], bool] | None = None
) -> ParsedBundle:
    """Validate a bundle; `known_elsewhere(kind, key)` resolves references to the registry."""
    if not isinstance(data, dict):
        raise DomainError([Problem("$", "wrong_type", "a bundle is a JSON object")])
    if data.get("format") != FORMAT:
        got = data.get("format", "nothing")
        raise DomainError([Problem("$.format", "bad_format", f"expected {FORMAT!r}, got {got!r}")])
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as e:
        raise DomainError(problems_from_pydantic(e, data=data)) from None
    problems = duplicates(bundle)
    problems += dangling(bundle, known_elsewhere or (lambda kind, key: False))
    if problems:
        raise DomainError(problems)
    warnings = tuple(
        Problem(path, "unknown_key", "kept under extra") for path in unknown_keys(bundle)
    )
    return ParsedBundle(bundle, warnings)


def duplicates(bundle: Bundle) -> list[Problem]:
    """The same identity twice in one bundle."""
    problems: list[Problem] = []

    def check(name: str, keys: list[Any], what: str) -> None:
        first: dict[Any, int] = {}
        for i, key in enumerate(keys):
            if key in first:
                problems.append(
                    Problem(
                        f"$.{name}[{i}]", "duplicate", f"{what} {_show(key)} also at [{first[key]}]"
                    )
                )
            else:
                first[key] = i

    check("authorities", [a.id for a in bundle.authorities], "authority id")
    check("parties", [p.id for p in bundle.parties], "party id")
    check(
        "eucs",
        [(e.issuing_authority, e.euc_number) for e in bundle.eucs],
        "EUC number of this issuing authority",
    )
    check("licences", [x.licence_number for x in bundle.licences], "licence number")
    check("shipments", [s.shipment_id for s in bundle.shipments], "shipment id")
    check(
        "delivery_verifications",
        [d.dvc_number for d in bundle.delivery_verifications],
        "DVC number",
    )
    check("reexport_requests", [r.request_id for r in bundle.reexport_requests], "request id")
    check("observations", [o.id for o in bundle.observations], "observation id")
    check("denials", [d.id for d in bundle.denials], "denial id")
    return problems


def references(bundle: Bundle) -> Iterator[Reference]:
    """Every identifier a bundle object points at, with where it points from."""
    for i, inv in enumerate(bundle.inventories):
        if inv.holder:
            yield Reference(f"$.inventories[{i}].holder", "party", inv.holder)
    for i, e in enumerate(bundle.eucs):
        p = f"$.eucs[{i}]"
        yield Reference(f"{p}.issuing_authority", "authority", e.issuing_authority)
        yield Reference(f"{p}.exporter", "party", e.exporter)
        yield Reference(f"{p}.end_user", "party", e.end_user)
        for j, c in enumerate(e.consignees):
            yield Reference(f"{p}.consignees[{j}]", "party", c)
        for j, m in enumerate(e.intermediaries):
            yield Reference(f"{p}.intermediaries[{j}].party", "party", m.party)
    for i, lic in enumerate(bundle.licences):
        p = f"$.licences[{i}]"
        yield Reference(f"{p}.authority", "authority", lic.authority)
        yield Reference(f"{p}.applicant", "party", lic.applicant)
        yield Reference(f"{p}.euc", "euc", (lic.euc.issuing_authority, lic.euc.euc_number))
    for i, s in enumerate(bundle.shipments):
        p = f"$.shipments[{i}]"
        yield Reference(f"{p}.licence_number", "licence", s.licence_number)
        for field in ("carrier", "consignee"):
            if getattr(s, field):
                yield Reference(f"{p}.{field}", "party", getattr(s, field))
    for i, d in enumerate(bundle.delivery_verifications):
        p = f"$.delivery_verifications[{i}]"
        yield Reference(f"{p}.issuing_authority", "authority", d.issuing_authority)
        yield Reference(f"{p}.licence_number", "licence", d.licence_number)
        if d.shipment_id:
            yield Reference(f"{p}.shipment_id", "shipment", d.shipment_id)
        if d.delivered_to:
            yield Reference(f"{p}.delivered_to", "party", d.delivered_to)
    for i, r in enumerate(bundle.reexport_requests):
        p = f"$.reexport_requests[{i}]"
        yield Reference(f"{p}.requesting_party", "party", r.requesting_party)
        yield Reference(f"{p}.original_licence", "licence", r.original_licence)
        if r.proposed_end_user:
            yield Reference(f"{p}.proposed_end_user", "party", r.proposed_end_user)
        if r.original_euc:
            euc = (r.original_euc.issuing_authority, r.original_euc.euc_number)
            yield Reference(f"{p}.original_euc", "euc", euc)
        if r.original_dvc:
            yield Reference(f"{p}.original_dvc", "dvc", r.original_dvc)


def _show(key: Key) -> str:
    return repr(":".join(key)) if isinstance(key, tuple) else repr(key)


def _keys(bundle: Bundle) -> dict[str, set[Key]]:
    return {
        "party": {p.id for p in bundle.parties},
        "authority": {a.id for a in bundle.authorities},
        "euc": {(e.issuing_authority, e.euc_number) for e in bundle.eucs},
        "licence": {x.licence_number for x in bundle.licences},
        "shipment": {s.shipment_id for s in bundle.shipments},
        "dvc": {d.dvc_number for d in bundle.delivery_verifications},
    }


def dangling(bundle: Bundle, known_elsewhere: Callable[[str, Key], bool]) -> list[Problem]:
    """References that point at nothing in the bundle nor (per the callback) in the registry.

    `known_elsewhere(kind, key)` gets an EUC's key as (issuing authority, number).
    """
    keys = _keys(bundle)
    return [
        Problem(ref.path, "dangling_reference", f"no {ref.kind} {_show(ref.key)} in the bundle")
        for ref in references(bundle)
        if ref.key not in keys[ref.kind] and not known_elsewhere(ref.kind, ref.key)
    ]
