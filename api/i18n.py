"""English and Polish for the pages people read: message catalogues (gettext, through Babel)
and the choice of the reader's language.

Interface strings live in ``api/locales/`` (``messages.pot``, one ``{lang}/LC_MESSAGES/
messages.po`` per language), not in templates: templates mark them with ``{% trans %}`` or
``_()`` (Jinja2's i18n extension), Python code with :func:`N_`. The ``.po`` files are compiled in
memory when first used, so there is no build step and no binary in the repository.

The language of a request is, in order: a ``lang`` query parameter (a permalink), the
``uikg_lang`` cookie (set by the switch, ``/language``), then ``Accept-Language``.

To add strings (any template or page, including ones other engineers own)::

    .venv/bin/pybabel extract -F api/locales/babel.cfg -k N_ -o api/locales/messages.pot .
    .venv/bin/pybabel update -i api/locales/messages.pot -d api/locales
    # translate the new entries in api/locales/pl/LC_MESSAGES/messages.po

``tests/api/test_i18n.py`` fails while a marked string has no Polish translation.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "pl")
NAMES = {"en": "English", "pl": "Polski"}
COOKIE = "uikg_lang"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``, compiled from its ``.po`` in memory (English: none)."""
    po = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if language not in LANGUAGES or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalogue = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def pick(tag: str | None) -> str | None:
    """``pl`` or ``en`` from a tag such as ``pl-PL``; ``None`` for anything else."""
    primary = (tag or "").strip().lower().split("-")[0]
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str) -> str:
    """The language the reader prefers among ours, by q-value (English when none matches).

    >>> from_accept_language("de-DE, pl;q=0.8, en;q=0.5")
    'pl'
    """
    best, best_q = "en", 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        language = pick(tag)
        if language and q > best_q:
            best, best_q = language, q
    return best


def language(request: Request) -> str:
    """The request's language: ``?lang=``, then the switch's cookie, then Accept-Language."""
    return (
        pick(request.query_params.get("lang"))
        or pick(request.cookies.get(COOKIE))
        or from_accept_language(request.headers.get("accept-language", ""))
    )


def _newstyle(language: str) -> tuple[Callable[..., str], Callable[..., str]]:
    """gettext/ngettext as Jinja2's "newstyle" expects them: variables as keyword arguments,
    escaped like the rest of the template (a translation is trusted markup, its values not)."""
    catalogue = translations(language)

    @pass_context
    def _gettext(context: Context, message: str, **variables: Any) -> str:
        text = catalogue.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (our own catalogue; values are escaped by %)
        return text % variables  # type: ignore[no-any-return]

    @pass_context
    def _ngettext(context: Context, one: str, many: str, n: int, **variables: Any) -> str:
        text = catalogue.ngettext(one, many, n)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704
        return text % {"num": n, **variables}  # type: ignore[no-any-return]

    return _gettext, _ngettext


def install(environment: Environment) -> None:
    """Jinja2's i18n extension, with the translations chosen per request (``context``)."""
    environment.add_extension("jinja2.ext.i18n")
    environment.newstyle_gettext = True  # type: ignore[attr-defined]


def context(request: Request) -> dict[str, Any]:
    """What every template gets: the language, its gettext, and the switch's links."""
    chosen = language(request)
    _gettext, _ngettext = _newstyle(chosen)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    root = str(request.base_url).rstrip("/")
    switch = [
        {
            "code": code,
            "name": NAMES[code],
            "current": code == chosen,
            "href": f"{root}/language?{urlencode({'lang': code, 'next': here})}",
        }
        for code in LANGUAGES
    ]
    return {
        "lang": chosen,
        "gettext": _gettext,
        "_": _gettext,
        "ngettext": _ngettext,
        "languages": switch,
    }
