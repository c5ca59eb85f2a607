"""A contribution under review as HTML, for the curator's page: the record rendered like a
published page, its comparison with the graph, its report, who sent it and when."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from uikg.api.contribute_words import words
from uikg.api.pages import Links, templates
from uikg.graph.contributions.workflow import Contribution, Judged
from uikg.graph.forms import HIDDEN_PATHS


def when(stamp: str) -> str:
    """``2026-11-29T06:17:01.5Z`` → ``2026-11-29 06:17 UTC`` (the same in every language).

    >>> when("2026-11-29T06:17:01.123456Z")
    '2026-11-29 06:17 UTC'
    """
    day, _, time = stamp.partition("T")
    return f"{day} {time[:5]} UTC" if time else day


def language_of(request: Request) -> str:
    """The page's language, which its script sends as ``Accept-Language``."""
    for part in (request.headers.get("accept-language") or "").split(","):
        primary = part.split(";")[0].strip().lower().split("-")[0]
        if primary in ("en", "pl"):
            return primary
    return "en"


def history(contribution: Contribution, lang: str) -> list[dict[str, Any]]:
    """Every step, in words: who did what when, and why."""
    said = words(lang)
    return [
        {
            "text": said["history.by"].format(
                action=said.get(f"action.{event.action}", event.action).capitalize(),
                agent=event.agent.rstrip("/").rsplit("/", 1)[-1],
                time=when(event.time),
            ),
            "reason": said["history.reason"].format(reason=event.reason) if event.reason else None,
        }
        for event in contribution.events
    ]


def review_page(request: Request, judged: Judged) -> HTMLResponse:
    lang = language_of(request)
    contribution = judged.contribution
    settings = request.app.state.settings
    context = {
        "request": request,
        "lang": lang,
        "t": words(lang),
        "links": Links(settings.base_iri, str(request.base_url)),
        "contribution": contribution,
        "title": contribution.title((lang,)) or contribution.id,
        "sent": words(lang)["review.sent"].format(
            who=contribution.contributor, when=when(contribution.submitted)
        ),
        "status": words(lang)[f"status.{contribution.status.value}"],
        "history": history(contribution, lang),
        "review": judged.review,
        "report": judged.checked.report,
        "findings": [
            r
            for r in judged.checked.report.results
            if r.severity != "Info" and r.path not in HIDDEN_PATHS
        ],
        "sections": [
            ("added", judged.review.added),
            ("changed", judged.review.changed),
            ("alongside", judged.review.alongside),
            ("present", judged.review.present),
        ],
    }
    response = templates().TemplateResponse(request, "contribution-review.html", context)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response  # type: ignore[return-value]
