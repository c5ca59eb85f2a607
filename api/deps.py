"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from uikg.graph.auth import Principal, Role, TokenRegistry
from uikg.graph.contributions import Contributions
from uikg.graph.errors import Forbidden, Unauthorized
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings

_lazy = threading.Lock()
T = TypeVar("T")


def once_per_app(request: Request, name: str, make: Callable[[Any], T]) -> T:
    """``app.state.<name>``, made by ``make(state)`` the first time any thread asks."""
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        with _lazy:
            found = getattr(state, name, None)
            if found is None:
                found = make(state)
                setattr(state, name, found)
    return found  # type: ignore[no-any-return]


def get_service(request: Request) -> GraphService:
    return request.app.state.service  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


ServiceDep = Annotated[GraphService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_registry(request: Request) -> TokenRegistry:
    """The tokens, read once per app (``create_app`` may set it early to fail at start-up)."""
    return once_per_app(request, "auth", lambda state: TokenRegistry.from_settings(state.settings))


def get_contributions(request: Request) -> Contributions:
    """The contribution queue of this process, opened (and reconciled) on first use."""
    return once_per_app(
        request, "contributions", lambda state: Contributions.open(state.settings, state.service)
    )


ContributionsDep = Annotated[Contributions, Depends(get_contributions)]


def current_user(request: Request) -> Principal | None:
    """The caller named by a bearer token, ``None`` without one; a wrong token is a 401."""
    header = request.headers.get("authorization")
    if not header or not get_registry(request).enabled:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use a bearer token (Authorization: Bearer …)")
    principal = get_registry(request).authenticate(token.strip())
    if principal is None:
        raise Unauthorized("the bearer token is not valid")
    return principal


MaybeUser = Annotated[Principal | None, Depends(current_user)]


def require(role: Role) -> Callable[..., Principal]:
    """A dependency that lets through callers with ``role`` or a higher one."""

    def dependency(request: Request, user: MaybeUser) -> Principal:
        if not get_registry(request).enabled:
            raise Forbidden(
                "writes are disabled on this server (no tokens configured: set "
                "UIKG_ADMIN_TOKEN, UIKG_TOKENS or UIKG_TOKENS_FILE)"
            )
        if user is None:
            raise Unauthorized("this operation needs a bearer token (Authorization: Bearer …)")
        if not user.role.allows(role):
            raise Forbidden(
                f"this operation needs the {role.value} role; {user.name} is a {user.role.value}"
            )
        return user

    dependency.__name__ = f"require_{role.value}"
    return dependency


CurrentUser = Annotated[Principal, Depends(require(Role.contributor))]
Curator = Annotated[Principal, Depends(require(Role.curator))]

# SPARQL Update and Graph Store writes: curators and admins.
require_writer = require(Role.curator)
Writer = Depends(require_writer)
