"""Registering end-user certificates: from a record, or from a signed `EUC1:` payload verified first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError, Problem
from enduse.domain.euc import EUC
from enduse.registry import models as m
from enduse.workflow.recording import (
    accept_signed,
    atomic,
    check_references,
    record_new,
    refuse_unverified_signature,
    validated,
)
from enduse.workflow.roles import Action, Subject, User, authorize


@atomic
def register_euc(session: Session, user: User, data: Any) -> EUC:
    """Record an EUC; its number must be new for its issuing authority."""
    refuse_unverified_signature(data)
    return _register(session, user, data)


def _register(session: Session, user: User, data: Any) -> EUC:
    euc = validated(EUC, data)
    authorize(user, Action.REGISTER_EUC, Subject(state=euc.issuing_state))
    taken = session.scalar(
        select(m.EucRow.pk).where(
            m.EucRow.issuing_authority == euc.issuing_authority,
            m.EucRow.euc_number == euc.euc_number,
        )
    )
    if taken is not None:
        raise DomainError(
            [Problem("$.euc_number", "duplicate", f"EUC {euc.key} is already in the registry")]
        )
    check_references(session, "eucs", euc)
    authority = session.get(m.AuthorityRow, euc.issuing_authority)
    if authority is not None and authority.state != euc.issuing_state:
        raise DomainError(
            [Problem("$.issuing_state", "invalid",
                     f"{euc.issuing_authority} is an authority of {authority.state}")]
        )  # fmt: skip
    record_new(session, "eucs", euc, "euc_registered")
    return euc


@atomic
def register_signed_euc(
    session: Session, user: User, payload: str, trust: TrustStore, at: datetime | None = None
) -> EUC:
    """Verify an `EUC1:` payload against the trust list, then register what it certifies.

    A payload that does not verify is refused with its reason code (`bad_signature`,
    `unknown_signer`, `expired`, ...) and nothing is written.
    """
    authorize(user, Action.REGISTER_EUC)  # before any work on untrusted input
    result = verify(payload, trust, at=at, prefix="EUC1:")
    return _register(session, user, accept_signed(session, "EUC", result, payload))
