"""Contributing without RDF: the form and the curator's page, the field model, type-ahead
pick-lists, the form's check and submission, spreadsheet templates and uploads. The domain
logic is in ``graph.forms``, ``graph.form_entry``, ``graph.entries`` and ``graph.spreadsheets``;
this router reads requests and writes answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from uikg.api.contribute_words import words
from uikg.api.deps import ContributionsDep, CurrentUser, ServiceDep, SettingsDep
from uikg.api.negotiation import choose
from uikg.api.pages import reader_language, templates
from uikg.api.ratelimit import RateLimit
from uikg.graph.errors import BadRequest, NotFound, UnsupportedMediaType
from uikg.graph.form_entry import Form, read_json
from uikg.graph.form_entry import Outcome as FormOutcome
from uikg.graph.forms import KINDS, Catalogue, existing, lookup, options, pick_language
from uikg.graph.ratelimit import RateLimiter
from uikg.graph.spreadsheets.reading import CSV, XLSX, Limits, format_for, read_table
from uikg.graph.spreadsheets.templates import template_csv, template_xlsx
from uikg.graph.spreadsheets.upload import Outcome, Sheet, process

router = APIRouter(tags=["Contribute without RDF"])

HTML, JSON = "text/html", "application/json"
Lang = Annotated[str | None, Query(max_length=16, description="en (default) or pl")]
_SHEET_BODY: dict[str, Any] = {
    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}, CSV: {}},
    "required": True,
}
_SHEET_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not a workbook, a formula in a cell, a DTD, unknown kind of record."},
    413: {"description": "Over a limit: bytes, zip expansion, parts, sheets, rows, columns, cell."},
    415: {"description": "Not .xlsx or .csv; macro-enabled workbooks (.xlsm, vbaProject)."},
    429: {"description": "Over the per-client rate limit; Retry-After says when to try again."},
}
PAGE = {
    "en": {
        "heading": "Spreadsheet templates",
        "intro": "Fill in a template in Excel or LibreOffice, one record per row, then upload it. "
        "The first row names the columns (* marks the required ones), the second explains them; "
        "pick-lists offer the values the graph knows.",
        "what": "Kind of record",
        "upload": "Upload the filled-in file with POST /contributions/spreadsheet/{kind} and your "
        "contributor token, or check it first, without a token, at "
        "/contributions/spreadsheet/{kind}/check.",
        "other": {"code": "pl", "label": "Po polsku"},
    },
    "pl": {
        "heading": "Szablony arkuszy",
        "intro": "Wypełnij szablon w Excelu lub LibreOffice, jeden wpis w wierszu, i prześlij go. "
        "Pierwszy wiersz zawiera nazwy kolumn (* oznacza wymagane), drugi ich objaśnienia; listy "
        "wyboru podają wartości znane w grafie.",
        "what": "Rodzaj wpisu",
        "upload": "Wypełniony plik prześlij przez POST /contributions/spreadsheet/{kind} z tokenem "
        "współtwórcy albo najpierw sprawdź go bez tokenu: /contributions/spreadsheet/{kind}/check.",
        "other": {"code": "en", "label": "In English"},
    },
}


def install(app: FastAPI) -> None:
    """Include the router, and put the per-client rate limit in front of the dry runs."""
    settings = app.state.settings
    app.include_router(router)
    app.add_middleware(
        RateLimit,
        limiter=RateLimiter(settings.rate_limit),
        paths=settings.rate_limited_paths,
    )


def _lang(request: Request, lang: str | None) -> str:
    """The ``lang`` parameter, else the reader's first choice of English or Polish."""
    if lang:
        return pick_language(lang)
    for part in request.headers.get("accept-language", "").split(","):
        primary = part.split(";")[0].strip().lower().split("-")[0]
        if primary in ("en", "pl"):
            return primary
    return "en"


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"there is no kind of record {kind!r}; try one of {', '.join(KINDS)}")
    return kind


@router.get("/contribute/fields", operation_id="contribution_kinds")
def kinds(request: Request, lang: Lang = None) -> JSONResponse:
    """The kinds of record one can contribute, with their field models' addresses."""
    language = _lang(request, lang)
    return JSONResponse(
        {
            "kinds": [
                {
                    "kind": name,
                    "title": kind.title_in(language),
                    "fields": str(request.url_for("fields", kind=name)),
                }
                for name, kind in KINDS.items()
            ]
        },
        headers={"Vary": "Accept-Language"},
    )


@router.get("/contribute/fields/{kind}", operation_id="contribution_fields")
def fields(request: Request, kind: str, service: ServiceDep, lang: Lang = None) -> JSONResponse:
    """The fields of one kind of record, grouped as a person thinks, in English or Polish."""
    model = Catalogue.default().model(_kind(kind), _lang(request, lang), service.reader)
    return JSONResponse(model, headers={"Vary": "Accept-Language"})


@router.get("/contribute/lookup", operation_id="contribution_lookup")
def type_ahead(
    request: Request,
    service: ServiceDep,
    q: Annotated[str, Query(max_length=200)] = "",
    cls: Annotated[list[str], Query(alias="class", max_length=2000)] = [],  # noqa: B006
    scheme: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    lang: Lang = None,
) -> JSONResponse:
    """Things of the given classes (or concepts of a scheme) whose label holds ``q``, with
    context: "Gdańsk (city, Poland)"."""
    if not cls and not scheme:
        raise BadRequest("say what to look up: class=… (repeatable) or scheme=…")
    found = lookup(service.reader, q, _lang(request, lang), classes=cls, scheme=scheme, limit=limit)
    return JSONResponse({"results": [o.to_json() for o in found]})


# -- the pages ---------------------------------------------------------------------------------
def _page(request: Request, template: str, lang: str | None, **extra: Any) -> Response:
    language = pick_language(lang) if lang else reader_language(request)
    said = words(language)
    context = {
        "request": request,
        "root": str(request.base_url).rstrip("/"),
        "lang": language,
        "t": said,
        "script": {"root": str(request.base_url).rstrip("/"), "lang": language, "words": said},
        **extra,
    }
    response = templates().TemplateResponse(request, template, context)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


@router.get("/contribute", response_class=HTMLResponse, include_in_schema=False)
def contribute_page(request: Request, lang: Lang = None) -> Response:
    """The form: fields in the reader's words, type-ahead pick-lists, a new source, errors next
    to their fields (the script builds it from ``/contribute/fields/{kind}``)."""
    language = pick_language(lang) if lang else reader_language(request)
    kinds = [{"name": name, "title": kind.title_in(language)} for name, kind in KINDS.items()]
    return _page(request, "contribute.html", language, kinds=kinds)


@router.get("/curate", response_class=HTMLResponse, include_in_schema=False)
def curate_page(request: Request, lang: Lang = None) -> Response:
    """Contributions: a curator reviews and decides, a contributor follows their own."""
    return _page(request, "curate.html", lang)


# -- the form's check and submission ------------------------------------------------------------
_FORM_BODY: dict[str, Any] = {
    "content": {
        JSON: {
            "schema": {"type": "object"},
            "example": {
                "values": {
                    "label": [{"text": "Lublin integration strategy", "lang": "en"}],
                    "adoptionDate": ["2024-05"],
                    "source.url": ["https://example.org/lublin/strategy"],
                    "source.title": ["Lublin integration strategy"],
                    "source.quotation": ["The city council adopted the strategy in May 2024."],
                }
            },
        }
    },
    "required": True,
}


async def _form(
    request: Request,
    kind: str,
    lang: str | None,
    service: Any,
    settings: Any,
    contributions: Any,
    user: Any,
) -> FormOutcome:
    kind = _kind(kind)
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type != JSON:
        raise UnsupportedMediaType("send the form's values as application/json")
    payload = read_json(await request.body())
    language = _lang(request, lang)

    def work() -> FormOutcome:
        form = Form(
            Catalogue.default(),
            kind,
            language,
            service.reader,
            settings.base_iri,
            lambda iris: existing(service.reader, iris),
        )
        if user is None:
            return form.check(payload, contributions)
        return form.submit(payload, contributions, user)

    return await run_in_threadpool(work)


@router.post(
    "/contributions/form/{kind}/check",
    operation_id="check_form",
    openapi_extra={"requestBody": _FORM_BODY},
    summary="Check the form's values without storing anything (public, rate-limited)",
    responses={
        400: {"description": "Not JSON, an unknown field, a value of the wrong shape."},
        415: {"description": "Not application/json."},
        429: {"description": "Over the per-client rate limit."},
    },
)
async def check_form(
    request: Request,
    kind: str,
    service: ServiceDep,
    settings: SettingsDep,
    contributions: ContributionsDep,
    lang: Lang = None,
) -> JSONResponse:
    """Every problem, each with the field it belongs to (``field``, and ``subfield`` for a value
    of a new thing), in the reader's words; ``conforms`` is true when the record may be sent."""
    outcome = await _form(request, kind, lang, service, settings, contributions, None)
    return JSONResponse(outcome.to_json())


@router.post(
    "/contributions/form/{kind}",
    operation_id="submit_form",
    status_code=201,
    openapi_extra={"requestBody": _FORM_BODY},
    summary="Queue the form's record as a contribution (contributor)",
    responses={
        201: {"description": "Queued as pending; Location names the contribution."},
        422: {"description": "Nothing queued; every problem, by field."},
        400: {"description": "Not JSON, an unknown field, a value of the wrong shape."},
        415: {"description": "Not application/json."},
    },
)
async def submit_form(
    request: Request,
    kind: str,
    user: CurrentUser,
    service: ServiceDep,
    settings: SettingsDep,
    contributions: ContributionsDep,
    lang: Lang = None,
) -> JSONResponse:
    outcome = await _form(request, kind, lang, service, settings, contributions, user)
    if outcome.contribution is None:
        return JSONResponse(outcome.to_json(), status_code=422)
    location = str(request.url_for("get_contribution", cid=outcome.contribution.id))
    return JSONResponse(outcome.to_json(), status_code=201, headers={"Location": location})


# -- templates ---------------------------------------------------------------------------------
@router.get("/contribute/templates/", operation_id="spreadsheet_templates")
def template_list(request: Request, lang: Lang = None) -> Response:
    """The templates, as an HTML page for people or JSON for programs."""
    language = _lang(request, lang)
    root = str(request.base_url).rstrip("/")
    suffix = f"?lang={language}"
    items = [
        {
            "kind": name,
            "title": kind.title_in(language),
            "xlsx": f"{root}/contribute/templates/{name}.xlsx{suffix}",
            "csv": f"{root}/contribute/templates/{name}.csv{suffix}",
            "fields": f"{root}/contribute/fields/{name}{suffix}",
            "upload": f"{root}/contributions/spreadsheet/{name}",
            "check": f"{root}/contributions/spreadsheet/{name}/check",
        }
        for name, kind in KINDS.items()
    ]
    headers = {"Vary": "Accept, Accept-Language"}
    if choose(request.headers.get("accept"), [HTML, JSON]) == JSON:
        return JSONResponse({"lang": language, "templates": items}, headers=headers)
    context = {"request": request, "root": root, "lang": language, "items": items}
    context.update(PAGE[language])
    response = templates().TemplateResponse(request, "spreadsheet-templates.html", context)
    response.headers.update(headers)
    return response


@router.get("/contribute/templates/{name}", operation_id="spreadsheet_template")
def template(
    request: Request, name: str, service: ServiceDep, settings: SettingsDep, lang: Lang = None
) -> Response:
    """``{kind}.xlsx`` or ``{kind}.csv``: one column per field, a help row, pick-lists."""
    kind, _, extension = name.rpartition(".")
    if extension not in ("xlsx", "csv"):
        raise NotFound(f"templates are {', '.join(f'{k}.xlsx, {k}.csv' for k in KINDS)}")
    kind = _kind(kind)
    language = _lang(request, lang)
    catalogue = Catalogue.default()
    disposition = {
        "Content-Disposition": f'attachment; filename="uikg-{kind}-{language}.{extension}"'
    }
    if extension == "csv":
        body = template_csv(catalogue, kind, language)
        return Response(body, media_type=f"{CSV}; charset=utf-8", headers=disposition)
    body = template_xlsx(
        catalogue,
        kind,
        language,
        lambda spec: options(service.reader, spec, language, catalogue),
        settings.spreadsheet_max_rows,
    )
    return Response(body, media_type=XLSX, headers=disposition)


# -- uploads -----------------------------------------------------------------------------------
async def _upload(
    request: Request,
    kind: str,
    lang: str | None,
    service: Any,
    settings: Any,
    contributions: Any,
    user: Any,
    atomic: bool,
) -> Outcome:
    kind = _kind(kind)
    format = format_for(request.headers.get("content-type"))
    data = await request.body()
    language = _lang(request, lang)

    def work() -> Outcome:
        table = read_table(data, format, Limits.from_settings(settings))
        catalogue = Catalogue.default()
        sheet = Sheet(
            catalogue,
            kind,
            language,
            lambda spec: options(service.reader, spec, language, catalogue, limit=10_000),
            settings.base_iri,
            lambda iris: existing(service.reader, iris),
        )
        return process(sheet, table, contributions, user, atomic=atomic)

    return await run_in_threadpool(work)


@router.post(
    "/contributions/spreadsheet/{kind}/check",
    operation_id="check_spreadsheet",
    openapi_extra={"requestBody": _SHEET_BODY},
    summary="Check a filled-in template without storing anything (public, rate-limited)",
    responses=_SHEET_ERRORS,
)
async def check_spreadsheet(
    request: Request,
    kind: str,
    service: ServiceDep,
    settings: SettingsDep,
    contributions: ContributionsDep,
    lang: Lang = None,
) -> JSONResponse:
    """Every row's problems by row and column; `conforms` is true when every row may be sent."""
    outcome = await _upload(request, kind, lang, service, settings, contributions, None, False)
    if not outcome.rows and not outcome.problems:
        raise BadRequest("the sheet holds no records below its heading rows")
    return JSONResponse(outcome.to_json())


@router.post(
    "/contributions/spreadsheet/{kind}",
    operation_id="upload_spreadsheet",
    status_code=201,
    openapi_extra={"requestBody": _SHEET_BODY},
    summary="Queue every valid row of a filled-in template as a contribution (contributor)",
    responses={
        201: {"description": "Some rows queued; the body lists them and every problem."},
        422: {"description": "Nothing queued; every problem by row and column."},
        **_SHEET_ERRORS,
    },
)
async def upload_spreadsheet(
    request: Request,
    kind: str,
    user: CurrentUser,
    service: ServiceDep,
    settings: SettingsDep,
    contributions: ContributionsDep,
    atomic: Annotated[
        bool, Query(description="All or nothing: queue no row unless every row is valid.")
    ] = False,
    lang: Lang = None,
) -> JSONResponse:
    outcome = await _upload(request, kind, lang, service, settings, contributions, user, atomic)
    if not outcome.rows and not outcome.problems:
        raise BadRequest("the sheet holds no records below its heading rows")
    status = 201 if outcome.queued else 422
    return JSONResponse(outcome.to_json(), status_code=status)
