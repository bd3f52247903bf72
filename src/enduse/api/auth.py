"""Who is calling the API: a bearer token of a registry user, checked on every request."""

from typing import Annotated

from fastapi import Depends, Header

from enduse.api.context import Installation
from enduse.workflow.roles import PermissionDenied, User
from enduse.workflow.tokens import authenticate


def token_caller(inst: Installation):  # type: ignore[no-untyped-def]
    """A dependency giving the calling user, or 401 before the route runs."""

    def caller(authorization: Annotated[str | None, Header()] = None) -> User:
        if not authorization or not authorization.startswith("Bearer "):
            raise PermissionDenied("unauthenticated", "give Authorization: Bearer <token>")
        with inst.read() as session:
            return authenticate(session, authorization.removeprefix("Bearer ").strip())

    return Annotated[User, Depends(caller)]
