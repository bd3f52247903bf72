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

    def index(self) -> Facts:
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
        return self

    def around(self, licence: str) -> Facts:
        """The facts a licence's case needs, and no more: its EUC and the EUC's other licences
        (A1), the other EUCs of its end user with their licences (D2), the other EUCs of its
        intermediaries (B6: dates and states only), and the licence's own shipments, DVCs and
        re-exports. Re-evaluating one licence after a change reads this, not the registry."""
        doc = self.licences[licence]
        home = f"{doc['euc']['issuing_authority']}:{doc['euc']['euc_number']}"
        euc = self.eucs.get(home)
        same_end_user = set(self.eucs_of_party.get(euc["end_user"], [])) if euc else set()
        brokers = {
            k
            for i in (euc or {}).get("intermediaries", [])
            for k in self.eucs_of_party.get(i["party"], [])
        }
        eucs = {home} | same_end_user | brokers
        licences = {
            n for key in {home} | same_end_user for n in self.licences_of_euc.get(key, [])
        } | {licence}
        shipments = set(self.shipments_of_licence.get(licence, []))
        return Facts(
            authorities=self.authorities,
            parties=self.parties,
            inventories=self.inventories,
            eucs={k: self.eucs[k] for k in eucs if k in self.eucs},
            licences={n: self.licences[n] for n in licences},
            shipments={s: self.shipments[s] for s in shipments},
            dvcs={d: self.dvcs[d] for d in self.dvcs_of_licence.get(licence, [])},
            reexports={r: self.reexports[r] for r in self.reexports_of_licence.get(licence, [])},
            observations=self.observations,
            denials=self.denials,
            embargoes=self.embargoes,
            screenings=self.screenings,
            trust=self.trust,
        ).index()

    def euc_of(self, licence: Doc) -> Doc | None:
        return self.eucs.get(
            f"{licence['euc']['issuing_authority']}:{licence['euc']['euc_number']}"
        )

    def inventory_of(self, party_id: str) -> Doc | None:
        """What the end user fields: its own inventory, else its state's forces' (for a government)."""
        own = [i for i in self.inventories if i.get("holder") == party_id]
        if own:
            return max(own, key=lambda i: i.get("as_of") or "")
        party = self.parties.get(party_id)
        if party and party.get("kind") == "government":
            state = [
                i
                for i in self.inventories
                if i.get("state") == party.get("country") and not i.get("holder")
            ]
            if state:
                return max(state, key=lambda i: i.get("as_of") or "")
        return None


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
