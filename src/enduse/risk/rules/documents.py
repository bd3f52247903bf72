"""A: is the end-user certificate what it claims to be?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from enduse.docs.compact import extract_parties
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.forgery import open_payload
from enduse.docs.verify import verify
from enduse.domain.ledger import RESERVING
from enduse.risk.facts import Facts
from enduse.risk.findings import Finding, rule


@rule("A1", subject="euc", severity="high")
def euc_reused(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """One certificate serves one transaction: licences that together draw more than an EUC
    line certifies mean the certificate is being used twice."""
    for key, euc in facts.eucs.items():
        certified = {i["line"]: Decimal(str(i["quantity"])) for i in euc.get("items", [])}
        drawn: dict[int, Decimal] = defaultdict(Decimal)
        users: dict[int, list[str]] = defaultdict(list)
        for number in facts.licences_of_euc.get(key, []):
            lic = facts.licences[number]
            shipped: dict[int, Decimal] = defaultdict(
                Decimal
            )  # a licence that ended keeps its shipments
            for sid in facts.shipments_of_licence.get(number, []):
                for si in facts.shipments[sid].get("items", []):
                    if si.get("licence_line") is not None and si.get("quantity") is not None:
                        shipped[si["licence_line"]] += Decimal(str(si["quantity"]))
            for item in lic.get("items", []):
                if item.get("euc_line") not in certified or item.get("quantity") is None:
                    continue
                live = lic.get("status") in RESERVING
                took = (
                    Decimal(str(item["quantity"]))
                    if live
                    else shipped.get(item.get("line"), Decimal(0))
                )
                if took:
                    drawn[item["euc_line"]] += took
                    users[item["euc_line"]].append(number)
        over = [
            {"euc_line": line, "certified": float(certified[line]), "licensed": float(q),
             "licences": users[line]}
            for line, q in sorted(drawn.items()) if q > certified[line]
        ]  # fmt: skip
        if over:
            yield Finding("A1", "high", "euc", key, "licences together draw more than the EUC certifies",
                          {"lines": over})  # fmt: skip


@rule("A2", subject="euc", severity="high")
def authority_or_signatory_not_competent(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """An EUC from an authority that does not issue EUCs for its state, or signed by someone the
    authority has not named as signatory on that date, is the mark of a bought or forged form."""
    for key, euc in facts.eucs.items():
        authority = facts.authorities.get(euc["issuing_authority"])
        problems = []
        if authority is None or "euc_issuing" not in authority.get("functions", []):
            problems.append(f"{euc['issuing_authority']} does not issue EUCs")
        elif authority.get("state") != euc.get("issuing_state"):
            problems.append(
                f"{euc['issuing_authority']} is an authority of {authority.get('state')}"
            )
        signatory = (euc.get("end_user_signatory") or {}).get("name")
        named = (authority or {}).get("signatories", [])
        if signatory and named:
            issued = euc["date_of_issue"]
            ok = [s for s in named if s.get("name") == signatory
                  and (s.get("from") or "0000") <= issued <= (s.get("until") or "9999")]  # fmt: skip
            if not ok:
                problems.append(
                    f"{signatory} was not a signatory of {euc['issuing_authority']} on {issued}"
                )
        if problems:
            yield Finding("A2", "high", "euc", key, "; ".join(problems),
                          {"authority": euc["issuing_authority"], "signatory": signatory,
                           "signatories": [s.get("name") for s in named]})  # fmt: skip


@rule("A3", subject="euc", severity="medium")
def validity_inconsistent(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """An EUC with no expiry can be reused forever; one dated in the future, or licensed after
    it expired, was not checked when it mattered."""
    for key, euc in facts.eucs.items():
        problems = []
        if not euc.get("valid_until"):
            problems.append("no valid_until")
        if euc["date_of_issue"] > today.isoformat():
            problems.append(f"issued in the future ({euc['date_of_issue']})")
        until = euc.get("valid_until")
        late = [n for n in facts.licences_of_euc.get(key, [])
                if until and (facts.licences[n].get("date_of_decision") or "") > until]  # fmt: skip
        if late:
            problems.append(f"licensed after it expired on {until}: {', '.join(late)}")
        if problems:
            yield Finding("A3", "medium", "euc", key, "; ".join(problems),
                          {"date_of_issue": euc["date_of_issue"], "valid_until": until, "late_licences": late})  # fmt: skip


@rule("A4", subject="euc", severity="medium")
def vague_end_use(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """ "The government" or "defence purposes" commits nobody to anything: an end use or end user
    that could be anyone's is no assurance."""
    vague = [v.lower() for v in params.get("vague", [])]
    for key, euc in facts.eucs.items():
        end_user = facts.parties.get(euc["end_user"], {})
        said = {
            "end_use": (euc.get("end_use") or "").strip(),
            "end_user": (end_user.get("name") or "").strip(),
        }
        empty = [k for k, v in said.items() if not v]
        loose = [k for k, v in said.items() if v and v.lower().strip(" .") in vague]
        if empty or loose:
            yield Finding("A4", "medium", "euc", key,
                          f"vague or empty: {', '.join(empty + loose)}", {**said, "empty": empty, "vague": loose})  # fmt: skip


@rule("A6", subject="euc", severity="high")
def uncertified_statement(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A private end user's statement is only worth its government certification."""
    for key, euc in facts.eucs.items():
        if euc.get("document_type") == "CERTIFIED_EUS" and not euc.get("government_certification"):
            yield Finding("A6", "high", "euc", key, "certified end-user statement without government certification",
                          {"document_type": "CERTIFIED_EUS"})  # fmt: skip


@rule("A8", subject="euc", severity="medium")
def weak_reexport_clause(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Without a re-export clause the goods may lawfully move on; a clause allowing a high-risk
    or embargoed country invites it."""
    risky = set(params.get("high_risk", [])) | {e["target_state"] for e in facts.embargoes}
    for key, euc in facts.eucs.items():
        clause = euc.get("reexport_clause")
        if not clause:
            yield Finding(
                "A8", "medium", "euc", key, "no re-export clause", {"reexport_clause": None}
            )
        elif clause.get("kind") == "allowed_to" and risky & set(clause.get("countries", [])):
            bad = sorted(risky & set(clause["countries"]))
            yield Finding("A8", "medium", "euc", key, f"re-export allowed to high-risk {', '.join(bad)}",
                          {"reexport_clause": clause, "high_risk": bad})  # fmt: skip


COMPARED = ("euc_number", "issuing_state", "issuing_authority", "date_of_issue", "valid_until", "exporter",
            "end_user", "consignees", "country_of_final_destination", "items", "end_use", "reexport_clause")  # fmt: skip


def _signed_content(payload: str) -> dict[str, Any] | None:
    """The document a payload carries (party ids again), or None if it cannot be read."""
    try:
        _, _, claims = open_payload(payload)
        document, _ = extract_parties(DOC_TYPES["EUC"], dict(claims[DOCUMENT_CLAIM]))
        return document
    except Exception:  # any damage at all: the rule reports it
        return None


@rule("A5", subject="euc", severity="high")
def signed_form_disagrees(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """An EUC whose signed form does not verify (when the trust list is at hand), or whose
    registered content differs from what was signed: the record is not the certificate."""
    for key, euc in facts.eucs.items():
        payload = euc.get("signed")
        if not payload:
            continue
        problems: list[str] = []
        signed = _signed_content(payload)
        if signed is None:
            problems.append("the signed form cannot be read")
        else:
            differ = [f for f in COMPARED if signed.get(f) != euc.get(f)]
            if differ:
                problems.append(
                    f"registered content differs from the signed in {', '.join(differ)}"
                )
        if facts.trust is not None:
            issued = datetime.fromisoformat(euc["date_of_issue"]).replace(hour=12, tzinfo=UTC)
            result = verify(payload, facts.trust, at=issued, prefix="EUC1:")
            if not result.valid:
                problems.append(f"the signed form does not verify: {result.result.value}")
        if problems:
            yield Finding("A5", "high", "euc", key, "; ".join(problems), {"problems": problems})
