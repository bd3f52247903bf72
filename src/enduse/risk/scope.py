"""Which findings concern one licence or one EUC: the case an officer is deciding."""

from __future__ import annotations

from typing import Any

from enduse.risk.facts import Facts


def case_subjects(
    facts: Facts, licence: str | None = None, euc: str | None = None
) -> set[tuple[str, str]]:
    """The subjects of a case: the licence(s), their EUC, shipments, re-export requests, parties."""
    eucs = {euc} if euc else set()
    licences = set(facts.licences_of_euc.get(euc, [])) if euc else set()
    if licence:
        licences.add(licence)
        doc = facts.licences.get(licence)
        if doc:
            eucs.add(f"{doc['euc']['issuing_authority']}:{doc['euc']['euc_number']}")
    subjects: set[tuple[str, str]] = {("licence", n) for n in licences} | {("euc", k) for k in eucs}
    parties: set[str] = set()
    for key in eucs:
        doc: dict[str, Any] | None = facts.eucs.get(key)
        if doc:
            parties |= {doc["exporter"], doc["end_user"], *doc.get("consignees", [])}
            parties |= {i["party"] for i in doc.get("intermediaries", [])}
    for n in licences:
        if n in facts.licences:
            parties.add(facts.licences[n]["applicant"])
        for sid in facts.shipments_of_licence.get(n, []):
            subjects.add(("shipment", sid))
            s = facts.shipments[sid]
            parties |= {p for p in (s.get("carrier"), s.get("consignee")) if p}
        for rid in facts.reexports_of_licence.get(n, []):
            subjects.add(("reexport_request", rid))
            r = facts.reexports[rid]
            parties |= {p for p in (r.get("requesting_party"), r.get("proposed_end_user")) if p}
    return subjects | {("party", p) for p in parties}
