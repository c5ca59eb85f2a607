"""Contributed records: dry-run validation, submission, moderation and history.

``POST /validate`` is public; submitting needs a contributor token; listing all, reviewing,
accepting and rejecting need a curator. The domain logic is in ``graph.contributions``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pyoxigraph import serialize
from starlette.concurrency import run_in_threadpool

from uikg.api.deps import ContributionsDep, Curator, CurrentUser, ServiceDep, SettingsDep
from uikg.api.negotiation import choose
from uikg.api.review_page import review_page
from uikg.graph.auth import Role
from uikg.graph.contributions import Status, format_for_media_type, history_of
from uikg.graph.contributions.check import Checked
from uikg.graph.sparql import formats
from uikg.graph.validation import ValidationReport

router = APIRouter(tags=["Contributions"])

JSON = "application/json"
HTML = "text/html"
TEXT = "text/plain"
REPORT_TYPES = [JSON, formats.TURTLE, TEXT]
RECORD_TYPES = {
    "text/turtle": "Turtle",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF/XML",
    "application/n-triples": "N-Triples",
}
_RECORD_BODY: dict[str, Any] = {
    "content": {media_type: {"schema": {"type": "string"}} for media_type in RECORD_TYPES},
    "required": True,
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed record (line and column when known), remote context, DTD."},
    413: {"description": "Record larger than the byte or triple limit."},
    415: {"description": "Not Turtle, JSON-LD, RDF/XML or N-Triples."},
}


class Decision(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


def report_json(report: ValidationReport) -> dict[str, Any]:
    return {"conforms": report.conforms, "results": report.to_json()}


def report_response(request: Request, report: ValidationReport, status: int = 200) -> Response:
    media_type = choose(request.headers.get("accept"), REPORT_TYPES)
    headers = {"Vary": "Accept"}
    if media_type == formats.TURTLE:
        body = report.graph.serialize(format="turtle", encoding="utf-8")
        return Response(body, status, media_type=formats.charset(media_type), headers=headers)
    if media_type == TEXT:
        return Response(
            report.to_text() + "\n", status, media_type="text/plain; charset=utf-8", headers=headers
        )
    return JSONResponse(report_json(report), status, headers=headers)


def languages(request: Request) -> tuple[str, ...]:
    """The reader's languages from ``Accept-Language``, best first (the report's words)."""
    ranked = []
    for index, item in enumerate((request.headers.get("accept-language") or "").split(",")):
        tag, _, params = item.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(q)
        except ValueError:
            continue
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, index, tag.split("-")[0].lower()))
    return tuple(dict.fromkeys(tag for *_, tag in sorted(ranked))) or ("en",)


async def _body(request: Request) -> tuple[bytes, Any]:
    format = format_for_media_type(request.headers.get("content-type"))
    return await request.body(), format


@router.post(
    "/validate",
    operation_id="validate_record",
    openapi_extra={"requestBody": _RECORD_BODY},
    summary="Validate a record against the shapes and the published graph (dry run)",
    responses={
        200: {
            "description": "The SHACL report (JSON, Turtle or text by Accept).",
            "content": {t: {} for t in REPORT_TYPES},
        },
        **_ERRORS,
    },
)
async def validate(request: Request, contributions: ContributionsDep) -> Response:
    """Nothing is stored. `conforms` is false only for violations; warnings are advice.

    Each result has machine fields (`focus_node`, `path`, `value`, `constraint`) and the same
    in words (`field`, `focus_label`, `expected`, `text`), labelled in the `Accept-Language`.
    An ill-typed literal is a result, not an error; only a body that does not parse is a 400.
    """
    data, format = await _body(request)
    checked: Checked = await run_in_threadpool(
        contributions.validate, data, format, languages(request)
    )
    return report_response(request, checked.report)


@router.post(
    "/contributions",
    operation_id="submit_contribution",
    status_code=201,
    openapi_extra={"requestBody": _RECORD_BODY},
    summary="Submit a record for review (contributor token)",
    responses={
        201: {"description": "Stored as pending; Location names it."},
        422: {"description": "The record does not conform; the report says why."},
        **_ERRORS,
    },
)
async def submit(
    request: Request,
    user: CurrentUser,
    contributions: ContributionsDep,
    supersedes: str | None = Query(default=None, max_length=64),
) -> Response:
    data, format = await _body(request)
    contribution = await run_in_threadpool(contributions.submit, data, format, user, supersedes)
    location = str(request.url_for("get_contribution", cid=contribution.id))
    return JSONResponse(contribution.to_json(), 201, headers={"Location": location})


@router.get(
    "/contributions",
    operation_id="list_contributions",
    summary="Contributions: all for curators, one's own for contributors",
)
def list_contributions(
    request: Request,
    user: CurrentUser,
    contributions: ContributionsDep,
    status: Annotated[
        list[Status] | None,
        Query(description="Only these statuses (repeat the parameter for several)."),
    ] = None,
    order: Annotated[
        Literal["oldest", "newest"],
        Query(description="Oldest first (the order to review in) or newest first."),
    ] = "oldest",
    limit: int = Query(100, ge=1, le=500, description="Contributions per page."),
    offset: int = Query(0, ge=0, description="How many to skip, in that order."),
) -> JSONResponse:
    """A page of contributions; ``next`` (and a ``Link: rel="next"`` header) names the
    following page while there is one. ``viewer`` says who asks and whether they may moderate
    (the page shows buttons only then; accepting and rejecting check the role again)."""
    items = contributions.list_for(
        user, status, limit=limit + 1, offset=offset, newest_first=order == "newest"
    )
    viewer = {
        "name": user.name,
        "role": user.role.value,
        "moderates": user.role.allows(Role.curator),
    }
    body: dict[str, object] = {
        "viewer": viewer,
        "contributions": [c.to_json() for c in items[:limit]],
    }
    headers = {}
    if len(items) > limit:
        following = str(request.url.include_query_params(offset=offset + limit, limit=limit))
        body["next"] = following
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse(body, headers=headers)


@router.get(
    "/contributions/{cid}",
    operation_id="get_contribution",
    summary="One contribution: status, report and history (its contributor, curators)",
)
def get_contribution(cid: str, user: CurrentUser, contributions: ContributionsDep) -> JSONResponse:
    return JSONResponse(contributions.get(cid, user).to_json())


@router.get(
    "/contributions/{cid}/record",
    operation_id="get_contribution_record",
    summary="The record as stored (blank nodes skolemised)",
)
def get_record(
    request: Request, cid: str, user: CurrentUser, contributions: ContributionsDep
) -> Response:
    contributions.get(cid, user)
    media_type = choose(request.headers.get("accept"), list(formats.GRAPH))
    body = serialize(contributions.record(cid), None, formats.GRAPH[media_type]) or b""
    return Response(body, media_type=formats.charset(media_type), headers={"Vary": "Accept"})


@router.get(
    "/contributions/{cid}/review",
    operation_id="review_contribution",
    summary="The record as it would be published, its diff and its report (curator)",
    responses={
        200: {
            "description": "JSON for programs; an HTML fragment (the curator's page shows it).",
            "content": {JSON: {}, HTML: {}},
        }
    },
)
def review(request: Request, cid: str, user: Curator, contributions: ContributionsDep) -> Response:
    """The record rendered with labels and quotes, how it compares with the published graph
    (added, changed, also said, already there; each value with its sources), its report against
    the graph as it is now, and who sent it when. Labels follow ``Accept-Language``."""
    judged = contributions.view(cid, user, languages(request))
    if choose(request.headers.get("accept"), [JSON, HTML]) == HTML:
        return review_page(request, judged)
    return JSONResponse(
        {
            "contribution": judged.contribution.to_json(),
            "report": report_json(judged.checked.report),
            "diff": judged.diff.to_json(),
            "review": judged.review.to_json(),
        },
        headers={"Vary": "Accept, Accept-Language"},
    )


@router.post(
    "/contributions/{cid}/accept",
    operation_id="accept_contribution",
    summary="Publish a pending contribution atomically (curator)",
    responses={
        409: {
            "description": "Not pending any more, or another curator (at this or another API "
            "process) is deciding it right now: exactly one decision goes through."
        }
    },
)
def accept(
    cid: str, user: Curator, contributions: ContributionsDep, decision: Decision | None = None
) -> JSONResponse:
    reason = decision.reason if decision else None
    return JSONResponse(contributions.accept(cid, user, reason).to_json())


@router.post(
    "/contributions/{cid}/reject",
    operation_id="reject_contribution",
    summary="Reject a pending contribution with a reason (curator)",
    responses={
        409: {
            "description": "Not pending any more, or another curator (at this or another API "
            "process) is deciding it right now: exactly one decision goes through."
        }
    },
)
def reject(
    cid: str, decision: Decision, user: Curator, contributions: ContributionsDep
) -> JSONResponse:
    return JSONResponse(contributions.reject(cid, user, decision.reason or "").to_json())


@router.get(
    "/history",
    operation_id="resource_history",
    summary="The accepted contributions that shaped a resource (public)",
)
def history(
    service: ServiceDep, settings: SettingsDep, resource: str = Query(max_length=2000)
) -> JSONResponse:
    rows = history_of(service.reader, settings.base_iri, resource)
    return JSONResponse({"resource": resource, "contributions": rows})
