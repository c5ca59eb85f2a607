"""The web face for people who would rather look than read: home page, SPARQL workbench and
pictures drawn from named queries (the contribution form and the curator's page are in
``contribute``).

The JavaScript packages (YASGUI, Vega, Leaflet, world-atlas) are served from the npm install in
``web/node_modules`` (``make assets``) through a whitelist of their built folders; without them
the pages still render and say that the workbench assets are not installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from uikg.api import i18n
from uikg.api.deps import ServiceDep, SettingsDep
from uikg.api.i18n import N_
from uikg.api.pages import Links, reader_language, templates
from uikg.api.questions import questions
from uikg.graph import __version__
from uikg.graph.citation import CODE_LICENSE, DATA_LICENSE, citation
from uikg.graph.coverage import coverage
from uikg.graph.describe import labels
from uikg.graph.errors import NotFound
from uikg.graph.namespaces import PREFIXES
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings
from uikg.graph.vocabulary import completions

router = APIRouter(tags=["Web"], include_in_schema=False)
SOURCE_MODULES = Path(__file__).resolve().parents[2] / "web" / "node_modules"
# URL name -> folder inside node_modules holding the package's built files.
VENDOR = {
    "yasgui": "@zazuko/yasgui/build",
    "vega": "vega/build",
    "vega-lite": "vega-lite/build",
    "vega-embed": "vega-embed/build",
    "leaflet": "leaflet/dist",
    "world-atlas": "world-atlas",
    "topojson-client": "topojson-client/dist",
    "swagger-ui": "swagger-ui-dist",
    "axe-core": "axe-core",  # the accessibility checker the browser tests run on every page
}


@dataclass(frozen=True)
class Picture:
    name: str
    title: str
    query: str
    caption: str


PICTURES = {
    p.name: p
    for p in (
        Picture(
            "map",
            N_("Map of cities by integration model"),
            "city_map",
            N_(
                "Every city in the graph at its WGS84 coordinates, coloured by the integration model "
                "its policy documents, programmes or local bodies follow according to the sources "
                "(grey: no model recorded). Select a marker for the city's page."
            ),
        ),
        Picture(
            "timeline",
            N_("Timeline of policies, programmes and memberships"),
            "policy_timeline",
            N_(
                "Dated policy documents, programmes and memberships by country, city initiatives "
                "(circles) beside national measures (squares) and regional or European ones "
                "(triangles), so that divergence in time is visible."
            ),
        ),
        Picture(
            "matrix",
            N_("Cities × Gdańsk-model policy areas"),
            "city_policy_areas",
            N_(
                "For each city, the policy areas of the Gdańsk Immigrant Integration Model that its "
                "documents, programmes and projects cover; darker cells have more items."
            ),
        ),
        Picture(
            "network",
            N_("Network of actors"),
            "actor_network",
            N_(
                "Who adopted, signed, coordinates, funds or is a member of what. Filter by the "
                "actor's country and by period; links without a year stay unless a period is set."
            ),
        ),
    )
}


def assets_dir(settings: Settings) -> Path | None:
    folder = settings.assets_dir or SOURCE_MODULES
    return folder if (folder / VENDOR["yasgui"]).is_dir() else None


def mount_assets(app: FastAPI, settings: Settings) -> None:
    """Serve the whitelisted package folders under ``/assets/vendor/{name}/``."""
    folder = assets_dir(settings)
    app.state.assets_installed = folder is not None
    if folder is None:
        return
    for name, sub in VENDOR.items():
        if (folder / sub).is_dir():
            app.mount(f"/assets/vendor/{name}", StaticFiles(directory=folder / sub), name=name)


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "request": request,
        "root": str(request.base_url).rstrip("/"),
        "base": request.app.state.settings.base_iri,
        "assets": getattr(request.app.state, "assets_installed", False),
        "pictures": list(PICTURES.values()),
        **extra,
    }


def _page(request: Request, template: str, **extra: Any) -> HTMLResponse:
    response = templates().TemplateResponse(request, template, _context(request, **extra))
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response  # type: ignore[return-value]


@router.get("/language")
def switch_language(request: Request, lang: str = "en", next: str = "/") -> Response:
    """The language switch: remembers the choice in a cookie and goes back to the page.

    ``next`` must be a path on this server (never another site), without its own ``lang``.
    """
    chosen = i18n.pick(lang) or "en"
    path, _, query = next.partition("?")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        path, query = "/", ""
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    target = path + (f"?{urlencode(kept)}" if kept else "")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(i18n.COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


COUNTS = """
PREFIX uikg: <https://w3id.org/uikg/ontology#>
SELECT
  (COUNT(DISTINCT ?city) AS ?cities) (COUNT(DISTINCT ?document) AS ?documents)
  (COUNT(DISTINCT ?work) AS ?works) (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  { ?city a uikg:City } UNION { ?document a uikg:PolicyDocument }
  UNION { ?work a uikg:Publication } UNION { ?claim a uikg:Claim }
}"""
MODELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?model ?label WHERE {
  ?model skos:inScheme <id/scheme/integration-model> ; skos:prefLabel ?label .
} ORDER BY ?model"""


def _home_data(service: GraphService) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in service.reader.query(COUNTS):
        counts = {name: int(row[name].value) for name in ("cities", "documents", "works", "claims")}
    # The scheme's IRI is relative: it resolves on the base IRI the service runs with.
    models: dict[str, dict[str, str]] = {}
    for row in service.reader.query(MODELS):
        models.setdefault(row["model"].value, {})[row["label"].language or ""] = row["label"].value
    return {"counts": counts, "models": models}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    data = _home_data(service)
    base = settings.base_iri
    root = str(request.base_url).rstrip("/")
    language = reader_language(request)
    models = []
    for iri, names in data["models"].items():
        shown = next((code for code in (language, "en", "") if code in names), next(iter(names)))
        models.append(
            {
                "label": names[shown],
                "lang": shown if shown and shown != language else None,
                "href": root + "/" + iri[len(base) :] if iri.startswith(base) else iri,
            }
        )
    models.sort(key=lambda m: m["label"].lower())
    cite = citation(service.reader, base)
    return _page(
        request,
        "home.html",
        counts=data["counts"],
        models=models,
        version=__version__,
        citation=cite,
        licences={"data": DATA_LICENSE, "code": CODE_LICENSE},
    )


def workbench(request: Request, service: GraphService) -> HTMLResponse:
    """The YASGUI page, served at ``/sparql`` when a browser asks for HTML (in a worker
    thread: the autocomplete's terms are read through the service)."""
    catalogue = request.app.state.catalogue
    language = reader_language(request)
    examples = [
        {"name": q.name, "title": q.title_in(language), "query": q.text.strip()}
        for q in catalogue.values()
    ]
    asked = questions(service.reader, catalogue, service.settings.base_iri, language)
    config = {
        "endpoint": str(request.base_url).rstrip("/") + "/sparql",
        "queries": str(request.base_url).rstrip("/") + "/api/v1/queries/",
        "prefixes": PREFIXES,
        "examples": examples,
        "terms": completions(service.reader),
        "base": service.settings.base_iri,
    }
    return _page(request, "workbench.html", examples=examples, config=config, questions=asked)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """Swagger UI from the pinned npm package (no CDN, no validator badge calling out)."""
    if not getattr(request.app.state, "assets_installed", False):
        return _page(request, "missing-assets.html", what=N_("the interactive API documentation"))
    root = str(request.base_url).rstrip("/")
    vendor = f"{root}/assets/vendor/swagger-ui"
    page = get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} — API",
        swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
        swagger_css_url=f"{vendor}/swagger-ui.css",
        swagger_favicon_url=f"{vendor}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    # The page's language, and colours and keyboard order that pass WCAG AA (static/docs.css,
    # static/docs.js): Swagger UI's own badges are white on light blue and green.
    body = bytes(page.body).replace(b"<html>", b'<html lang="en">', 1)
    body = body.replace(
        b"</head>", f'<link rel="stylesheet" href="{root}/static/docs.css">\n</head>'.encode(), 1
    )
    body = body.replace(
        b"</body>", f'<script src="{root}/static/docs.js"></script>\n</body>'.encode(), 1
    )
    return HTMLResponse(body)


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    """What of the source texts the graph covers (``uikg coverage`` as a page, for curators)."""
    folder = settings.sources_dir
    report = (
        coverage(service.reader.query, Path(folder)) if folder and Path(folder).is_dir() else []
    )
    works = [item.work for item in report]
    titles = {t.subject.value: t.object.value for t in labels(service.reader, works)}  # type: ignore[union-attr]
    sources = {}
    for work in works:  # the segment of the work's units: …/graph/evidence/{segment}/{passage}
        rows = service.reader.query(
            f"SELECT ?unit WHERE {{ ?unit <{PREFIXES['uikg']}evidenceFrom> <{work}> }} LIMIT 1"
        )
        sources[work] = next((r["unit"].value.rsplit("/", 2)[1] for r in rows), "")
    links = Links(settings.base_iri, str(request.base_url))
    return _page(
        request, "coverage.html", report=report, titles=titles, sources=sources, links=links
    )


@router.get("/pictures", response_class=HTMLResponse)
def pictures(request: Request) -> Response:
    return _page(request, "pictures.html")


@router.get("/pictures/{name}", response_class=HTMLResponse)
def picture(request: Request, name: str) -> Response:
    return _page(request, "picture.html", picture=_picture(name))


@router.get("/pictures/{name}/embed", response_class=HTMLResponse)
def picture_embed(request: Request, name: str) -> Response:
    """The picture alone, for an ``<iframe>`` on another site (its filters in the URL)."""
    response = _page(request, "picture-embed.html", picture=_picture(name))
    response.headers["Content-Security-Policy"] = "frame-ancestors *"
    return response


def _picture(name: str) -> Picture:
    if name not in PICTURES:
        raise NotFound(f"there is no picture {name!r}; try one of {', '.join(PICTURES)}")
    return PICTURES[name]
