"""Endpoints whose query parameters come from data (named-query headers, REST filters).

FastAPI reads parameters from a function's signature, so each generated endpoint gets a real
signature: every parameter then appears in OpenAPI with its description and example, and
unknown parameters can be refused.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Query, Request

from uikg.graph.queries import QueryParam

_TYPES: dict[str, type] = {"integer": int}


def with_params(
    handler: Callable[..., Any], params: list[QueryParam], extra: list[inspect.Parameter]
) -> Callable[..., Any]:
    """A copy of ``handler(request, values, **extra)`` whose signature lists ``params``.

    Values arrive as strings (validated later by the domain, which names the bad parameter).
    """

    def split(kwargs: dict[str, Any]) -> dict[str, str]:
        given = {p.name: kwargs.pop(f"p_{index}") for index, p in enumerate(params)}
        return {name: str(value) for name, value in given.items() if value is not None}

    endpoint: Callable[..., Any]
    if inspect.iscoroutinefunction(handler):  # FastAPI runs it on the loop, not in a thread

        async def endpoint(request: Request, **kwargs: Any) -> Any:
            return await handler(request, split(kwargs), **kwargs)

    else:

        def endpoint(request: Request, **kwargs: Any) -> Any:
            return handler(request, split(kwargs), **kwargs)

    signature = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for index, param in enumerate(params):
        description = param.description + (f" ({param.type})" if param.type else "")
        default = Query(
            ... if param.required else None,
            alias=param.name,
            description=description,
            examples=[param.example] if param.example else None,
        )
        annotation = str if param.required else (str | None)
        signature.append(
            inspect.Parameter(
                f"p_{index}", inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
    signature.extend(extra)
    endpoint.__signature__ = inspect.Signature(signature)  # type: ignore[union-attr]
    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint
