"""What the rules read: the registry's records as plain documents, indexed the ways rules ask.

Loaded once per evaluation (or per licence, for a re-evaluation after a change);
rules never query the database, so they stay small pure functions over `Facts`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enduse.registry import models as m

Doc = dict[str, Any]


def _add(index: dict[str, list[str]], key: str, value: str) -> None:
    """Append by replacing the list: a copy of the facts may share it (see Facts.copy)."""
    index[key] = [*index.get(key, ()), value]


def marks_of(items: list[Doc]) -> set[str]:
    """The lots and serials of a record's items: what links goods across records."""
    return {m for i in items for m in (*i.get("lots", []), *i.get("serials", []))}


def euc_key(doc: Doc) -> str:
    return f"{doc['issuing_authority']}:{doc['euc_number']}"


@dataclass
class Facts:
    authorities: dict[str, Doc] = field(default_factory=dict)
    parties: dict[str, Doc] = field(default_factory=dict)
    inventories: list[Doc] = field(default_factory=list)
    eucs: dict[str, Doc] = field(default_factory=dict)  # by ISSUER:NUMBER
    licences: dict[str, Doc] = field(default_factory=dict)
    shipments: dict[str, Doc] = field(default_factory=dict)
    dvcs: dict[str, Doc] = field(default_factory=dict)
    reexports: dict[str, Doc] = field(default_factory=dict)
    observations: dict[str, Doc] = field(default_factory=dict)
    denials: list[Doc] = field(default_factory=list)
    embargoes: list[Doc] = field(default_factory=list)
    screenings: dict[str, dict[str, Any]] = field(default_factory=dict)  # party -> latest screening
    trust: Any = None  # a TrustStore to verify signed forms with, when one is at hand (A5)
    # indexes
    licences_of_euc: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    shipments_of_licence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    dvcs_of_licence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    dvcs_of_shipment: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    reexports_of_licence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    eucs_of_party: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    shipments_of_party: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    observations_of_mark: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    inventories_of_holder: dict[str, list[Doc]] = field(default_factory=lambda: defaultdict(list))
    inventories_of_state: dict[str, list[Doc]] = field(default_factory=lambda: defaultdict(list))
    _memo: dict[tuple[str, str], Any] = field(
        default_factory=dict, repr=False
    )  # per-evaluation answers

    def index(self, shared: Facts | None = None) -> Facts:
        """Build the indexes; a neighbourhood takes those of the collections it shares (sightings,
        inventories) from the whole instead of building them again."""
        for number, lic in self.licences.items():
            self.licences_of_euc[
                f"{lic['euc']['issuing_authority']}:{lic['euc']['euc_number']}"
            ].append(number)
        for sid, s in self.shipments.items():
            self.shipments_of_licence[s["licence_number"]].append(sid)
        for number, d in self.dvcs.items():
            self.dvcs_of_licence[d["licence_number"]].append(number)
            if d.get("shipment_id"):
                self.dvcs_of_shipment[d["shipment_id"]].append(number)
        for rid, r in self.reexports.items():
            self.reexports_of_licence[r["original_licence"]].append(rid)
        for key, euc in self.eucs.items():
            named = {
                euc["end_user"],
                *euc.get("consignees", []),
                *(i["party"] for i in euc.get("intermediaries", [])),
            }
            for party in named:
                self.eucs_of_party[party].append(key)
        for sid, s in self.shipments.items():  # the role party rules read: who receives the goods
            if s.get("consignee"):
                self.shipments_of_party[s["consignee"]].append(sid)
        if shared is not None:
            self.observations_of_mark = shared.observations_of_mark
            self.inventories_of_holder = shared.inventories_of_holder
            self.inventories_of_state = shared.inventories_of_state
            return self
        for oid, o in self.observations.items():
            for mark in marks_of(o.get("items", [])):
                self.observations_of_mark[mark].append(oid)
        for inv in self.inventories:
            if inv.get("holder"):
                self.inventories_of_holder[inv["holder"]].append(inv)
            elif inv.get("state"):
                self.inventories_of_state[inv["state"]].append(inv)
        return self

    def copy(self) -> Facts:
        """A copy whose collections and indexes can change without disturbing readers of this
        one. Documents and index lists are shared: `apply` replaces both, never changes them
        (copying a million index lists took seconds, most of it the garbage collector's)."""
        fresh = Facts(
            self.authorities, dict(self.parties), self.inventories, dict(self.eucs),
            dict(self.licences), dict(self.shipments), dict(self.dvcs), dict(self.reexports),
            dict(self.observations), self.denials, self.embargoes, dict(self.screenings),
            self.trust,
        )  # fmt: skip
        for name in ("licences_of_euc", "shipments_of_licence", "dvcs_of_licence",
                     "dvcs_of_shipment", "reexports_of_licence", "eucs_of_party",
                     "shipments_of_party", "observations_of_mark"):  # fmt: skip
            getattr(fresh, name).update(getattr(self, name))  # lists shared: apply() replaces them
        fresh.inventories_of_holder = self.inventories_of_holder
        fresh.inventories_of_state = self.inventories_of_state
        return fresh

    def apply(self, collection: str, doc: Doc) -> None:
        """Add or replace one record, keeping the indexes: what a long-lived reader does after a
        change instead of loading everything again. A record's references (its licence, its
        EUC, the parties it names) are fixed when it is recorded; only new records add to the
        indexes. Other collections (authorities, inventories, denials, embargoes) are not
        handled here: a change to them calls for a full load."""
        self._memo.clear()
        if collection == "parties":
            self.parties[doc["id"]] = doc
        elif collection == "eucs":
            key = euc_key(doc)
            if key not in self.eucs:
                named = {doc["end_user"], *doc.get("consignees", []),
                         *(i["party"] for i in doc.get("intermediaries", []))}  # fmt: skip
                for party in named:
                    _add(self.eucs_of_party, party, key)
            self.eucs[key] = doc
        elif collection == "licences":
            number = doc["licence_number"]
            if number not in self.licences:
                euc = doc["euc"]
                _add(
                    self.licences_of_euc, f"{euc['issuing_authority']}:{euc['euc_number']}", number
                )
            self.licences[number] = doc
        elif collection == "shipments":
            sid = doc["shipment_id"]
            if sid not in self.shipments:
                _add(self.shipments_of_licence, doc["licence_number"], sid)
                if doc.get("consignee"):
                    _add(self.shipments_of_party, doc["consignee"], sid)
            self.shipments[sid] = doc
        elif collection == "delivery_verifications":
            number = doc["dvc_number"]
            if number not in self.dvcs:
                _add(self.dvcs_of_licence, doc["licence_number"], number)
                if doc.get("shipment_id"):
                    _add(self.dvcs_of_shipment, doc["shipment_id"], number)
            self.dvcs[number] = doc
        elif collection == "reexport_requests":
            rid = doc["request_id"]
            if rid not in self.reexports:
                _add(self.reexports_of_licence, doc["original_licence"], rid)
            self.reexports[rid] = doc
        elif collection == "observations":
            oid = doc["id"]
            if oid not in self.observations:
                for mark in marks_of(doc.get("items", [])):
                    _add(self.observations_of_mark, mark, oid)
            self.observations[oid] = doc
        else:
            raise ValueError(f"{collection}: reload the facts")

    def dvcs_for_shipment(self, sid: str) -> list[str]:
        """The DVCs that certify a shipment: those naming it, and those of its licence naming no
        shipment whose lots or serials overlap it (or, with no marks at all, its licence's only
        shipment)."""
        memo = self._memo.get(("dvcs", sid))
        if memo is not None:
            return memo  # type: ignore[no-any-return]
        found = list(self.dvcs_of_shipment.get(sid, []))
        shipment = self.shipments[sid]
        marks = marks_of(shipment.get("items", []))
        only = len(self.shipments_of_licence.get(shipment["licence_number"], [])) == 1
        for number in self.dvcs_of_licence.get(shipment["licence_number"], []):
            dvc = self.dvcs[number]
            if dvc.get("shipment_id"):
                continue
            theirs = marks_of(dvc.get("items", []))
            if (marks and marks & theirs) or (only and not (marks and theirs)):
                found.append(number)
        self._memo[("dvcs", sid)] = found
        return found

    def around(self, licence: str) -> Facts:
        """The facts a licence's case needs: its EUC and that EUC's other licences (A1), every
        EUC and shipment naming one of the case's parties (their roles anywhere: B3, B5, B6),
        the end user's other EUCs with their licences (D2), and the DVCs and re-exports of
        what is included. Re-evaluating one licence after a change reads this, not everything."""
        doc = self.licences[licence]
        home = f"{doc['euc']['issuing_authority']}:{doc['euc']['euc_number']}"
        euc = self.eucs.get(home) or {}
        own_shipments = set(self.shipments_of_licence.get(licence, []))
        parties = {doc["applicant"], euc.get("end_user"), *euc.get("consignees", []),
                   *(i["party"] for i in euc.get("intermediaries", []))}  # fmt: skip
        for sid in own_shipments:
            parties |= {self.shipments[sid].get("carrier"), self.shipments[sid].get("consignee")}
        for rid in self.reexports_of_licence.get(licence, []):
            r = self.reexports[rid]
            parties |= {r.get("requesting_party"), r.get("proposed_end_user")}
        parties.discard(None)
        eucs = {home} | {k for p in parties for k in self.eucs_of_party.get(p, [])}  # type: ignore[arg-type]
        same_end_user = set(self.eucs_of_party.get(euc.get("end_user", ""), []))
        licences = {
            n for key in {home} | same_end_user for n in self.licences_of_euc.get(key, [])
        } | {licence}
        shipments = own_shipments | {s for p in parties for s in self.shipments_of_party.get(p, [])}  # type: ignore[arg-type]
        dvcs = {d for n in licences for d in self.dvcs_of_licence.get(n, [])}
        dvcs |= {d for s in shipments for d in self.dvcs_of_shipment.get(s, [])}
        return Facts(
            authorities=self.authorities,
            parties=self.parties,
            inventories=self.inventories,
            eucs={k: self.eucs[k] for k in eucs if k in self.eucs},
            licences={n: self.licences[n] for n in licences},
            shipments={s: self.shipments[s] for s in shipments},
            dvcs={d: self.dvcs[d] for d in dvcs},
            reexports={
                r: self.reexports[r] for n in licences for r in self.reexports_of_licence.get(n, [])
            },
            observations=self.observations,
            denials=self.denials,
            embargoes=self.embargoes,
            screenings=self.screenings,
            trust=self.trust,
        ).index(shared=self)

    def euc_of(self, licence: Doc) -> Doc | None:
        return self.eucs.get(
            f"{licence['euc']['issuing_authority']}:{licence['euc']['euc_number']}"
        )

    def inventory_of(self, party_id: str) -> Doc | None:
        """What the end user fields: everything recorded of its own (several inventories are
        several sources, not replacements), else its state's forces' (for a government)."""
        key = ("inventory", party_id)
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        self._memo[key] = merged = self._inventory_of(party_id)
        return merged

    def _inventory_of(self, party_id: str) -> Doc | None:
        found = self.inventories_of_holder.get(party_id, [])
        party = self.parties.get(party_id)
        if not found and party and party.get("kind") == "government":
            found = self.inventories_of_state.get(party.get("country", ""), [])
        if not found:
            return None
        return {
            "calibres": sorted({c for i in found for c in i.get("calibres", [])}),
            "systems": sorted({s for i in found for s in i.get("systems", [])}),
            "annual_need": {k: v for i in sorted(found, key=lambda i: i.get("as_of") or "")
                            for k, v in (i.get("annual_need") or {}).items()},
            "as_of": max((i.get("as_of") or "" for i in found), default="") or None,
            "source": "; ".join(sorted({i.get("source") or "" for i in found} - {""})) or None,
        }  # fmt: skip


def load_facts(session: Session) -> Facts:
    """Every record of the registry, as recorded."""
    f = Facts()
    docs = lambda row_type: session.scalars(select(row_type.document).order_by(row_type.ordinal))  # noqa: E731
    f.authorities = {d["id"]: d for d in docs(m.AuthorityRow)}
    f.parties = {d["id"]: d for d in docs(m.PartyRow)}
    f.inventories = list(docs(m.InventoryRow))
    f.eucs = {euc_key(d): d for d in docs(m.EucRow)}
    f.licences = {d["licence_number"]: d for d in docs(m.LicenceRow)}
    f.shipments = {d["shipment_id"]: d for d in docs(m.ShipmentRow)}
    f.dvcs = {d["dvc_number"]: d for d in docs(m.DeliveryVerificationRow)}
    f.reexports = {d["request_id"]: d for d in docs(m.ReexportRequestRow)}
    f.observations = {d["id"]: d for d in docs(m.ObservationRow)}
    f.denials = list(docs(m.DenialRow))
    f.embargoes = list(docs(m.EmbargoRow))
    for row in session.scalars(
        select(m.ScreeningRow).order_by(m.ScreeningRow.screened_at, m.ScreeningRow.pk)
    ):
        f.screenings[row.party] = {"hits": row.hits, "strongest": row.strongest,
                                   "list_version": row.list_version, "denials_version": row.denials_version}  # fmt: skip
    return f.index()


def facts_from_bundle(bundle: dict[str, Any]) -> Facts:
    """The facts of a bundle (already validated), without a registry: scenarios and tests."""
    return Facts(
        authorities={a["id"]: a for a in bundle.get("authorities", [])},
        parties={p["id"]: p for p in bundle.get("parties", [])},
        inventories=list(bundle.get("inventories", [])),
        eucs={euc_key(e): e for e in bundle.get("eucs", [])},
        licences={x["licence_number"]: x for x in bundle.get("licences", [])},
        shipments={s["shipment_id"]: s for s in bundle.get("shipments", [])},
        dvcs={d["dvc_number"]: d for d in bundle.get("delivery_verifications", [])},
        reexports={r["request_id"]: r for r in bundle.get("reexport_requests", [])},
        observations={o["id"]: o for o in bundle.get("observations", [])},
        denials=list(bundle.get("denials", [])),
        embargoes=list(bundle.get("embargoes", [])),
        screenings=dict(bundle.get("screenings", {})),  # generated scenarios only
    ).index()
