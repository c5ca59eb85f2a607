"""What every page shares: the template environment (with English and Polish), the filter
that shows a quoted passage, and links from the graph's IRIs to this server's pages."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from uikg.api import i18n
from uikg.api.wording import local_name

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def templates() -> Jinja2Templates:
    """One environment for the process, so each template is compiled once."""
    environment = Jinja2Templates(directory=str(TEMPLATES), context_processors=[i18n.context])
    i18n.install(environment.env)
    environment.env.filters["passage"] = passage
    environment.env.filters["number"] = number
    return environment


@pass_context
def number(context: Any, value: object) -> str:
    """A count as the page's language writes it (12,345 / 12 345)."""
    return format_decimal(value, locale=context.get("lang") or "en")  # type: ignore[arg-type]


_SUPERSCRIPT = re.compile(r"&lt;sup&gt;(\w{1,3})&lt;/sup&gt;")


def passage(text: str | None) -> Markup:
    """A quoted passage as HTML: escaped, with the essay's footnote marks as superscripts.

    >>> str(passage("action plans, which<sup>2</sup> have <b>become</b>"))
    'action plans, which<sup>2</sup> have &lt;b&gt;become&lt;/b&gt;'
    """
    escaped = str(escape(text or ""))  # everything escaped; only <sup>word</sup> comes back
    return Markup(_SUPERSCRIPT.sub(r"<sup>\1</sup>", escaped))  # noqa: S704


def reader_language(request: Request) -> str:
    """``pl`` or ``en``: the query's ``lang``, the switch's cookie, then Accept-Language."""
    return i18n.language(request)


class Links:
    """Maps IRIs under the base to this server's URLs, so pages link within the server."""

    def __init__(self, base_iri: str, root: str) -> None:
        self.base = base_iri
        self.root = root.rstrip("/")

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            return f"{self.root}/{iri[len(self.base) :]}"
        return iri

    def doc(self, iri: str, extension: str | None = None) -> str:
        path = iri[len(self.base) :] if iri.startswith(self.base) else iri
        return f"{self.root}/doc/{path}" + (f".{extension}" if extension else "")


__all__ = ["Links", "local_name", "passage", "reader_language", "templates"]
