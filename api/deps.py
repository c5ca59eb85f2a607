"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from graph.errors import Forbidden, Unauthorized
from graph.settings import Settings
from graph.sparql.service import SparqlService


def get_service(request: Request) -> SparqlService:
    return request.app.state.service  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


ServiceDep = Annotated[SparqlService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_writer(request: Request, settings: SettingsDep) -> None:
    """Writes need the operator's bearer token; with no token configured, writes are off."""
    if settings.admin_token is None:
        raise Forbidden("writes are disabled on this server (no UIKG_ADMIN_TOKEN configured)")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("this operation needs a bearer token (Authorization: Bearer …)")
    expected = settings.admin_token.get_secret_value().encode()
    if not hmac.compare_digest(token.strip().encode(), expected):
        raise Unauthorized("the bearer token is not valid")


Writer = Depends(require_writer)
