"""Issue 12's done-when, in headless Chromium against a real server: a new contributor adds a
city strategy for an existing city citing a new web source with a quote, fixes the invalid date
the form flags, and sends it; a curator sees the record rendered and its diff, and accepts it;
the document's page shows the contributor's source and quote as the evidence of each statement,
and SPARQL finds the statements in the new evidence unit. Nobody types or reads an IRI."""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import CONTRIBUTOR_TOKEN, CURATOR_TOKEN, shot
from tests.support import records

NAME = "Lublin intercultural strategy 2030"
SOURCE_TITLE = "Strategia Międzykulturowa Lublina 2030"
URL = "https://lublin.eu/en/intercultural-strategy-2030"
QUOTE = "In May 2024 the City Council adopted the intercultural strategy for the years 2024-2030."
# What nobody should have to read on these pages: IRIs, prefixes, datatypes.
JARGON = re.compile(r"https?://w3id|uikg:|xsd:|rdfs:|\bIRI\b|gYear|XMLSchema")


def choose(page, field: str, typed: str, option: str) -> None:
    """Type a few letters into a pick-list and click the suggestion."""
    page.get_by_role("combobox", name=field).fill(typed)
    page.get_by_role("listbox", name=field).get_by_role("option", name=option, exact=True).click()


def region(page, first: str, last: str) -> dict[str, float]:
    """The part of the page from one element to another (for the README's pictures)."""
    top = page.locator(first).first.bounding_box()
    bottom = page.locator(last).first.bounding_box()
    start = max(0.0, top["y"] + page.evaluate("window.scrollY") - 16)
    end = bottom["y"] + page.evaluate("window.scrollY") + bottom["height"] + 16
    return {"x": 0, "y": start, "width": page.viewport_size["width"], "height": end - start}


def fill_the_form(page) -> None:
    page.get_by_role("textbox", name="Name").fill(NAME)
    choose(page, "Kind of document", "strat", "strategy")
    choose(page, "Status", "adop", "adopted")
    place = page.get_by_role("combobox", name="Place it applies to")  # by keyboard
    place.fill("lubl")
    page.get_by_role("listbox", name="Place it applies to").get_by_role(
        "option", name="Lublin (city, Poland)"
    ).wait_for()
    place.press("ArrowDown")
    place.press("Enter")
    choose(page, "Level of government", "loc", "local")
    choose(page, "Policy areas covered", "educ", "education")
    choose(page, "Policy areas covered", "hous", "housing")
    choose(page, "Kind of source", "web", "Web page")
    page.get_by_label("Web address of the source").fill(URL)
    page.get_by_label("Title of the source").fill(SOURCE_TITLE)
    choose(page, "Language of the source", "pol", "Polish")
    page.get_by_label("Year published").fill("2024")
    page.get_by_label("Quoted passage").fill(QUOTE)
    page.get_by_label("Where in the source").fill("paragraph 2")


def test_a_contributor_cites_a_new_source_and_a_curator_publishes_it(web_server, page) -> None:
    page, console = page
    page.goto(web_server.url + "/contribute", wait_until="networkidle")
    page.wait_for_selector("#contribute-form[data-ready=true]")
    fill_the_form(page)
    assert page.locator(".chip", has_text="Lublin (city, Poland)").count() == 1

    date = page.get_by_label("Date adopted")
    date.fill("2024-13")
    date.blur()  # the form flags it as it is typed, before anything is sent
    error = page.locator("#f-adoptionDate-error")
    assert error.is_visible() and "YYYY-MM-DD" in error.inner_text()
    assert date.get_attribute("aria-invalid") == "true"
    page.get_by_role("button", name="Check").click()  # the server says the same, by field
    summary = page.locator("#summary")
    summary.wait_for()
    assert "Date adopted" in summary.inner_text() and "YYYY-MM-DD" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "summary"
    shot(page, "contribute-full")
    shot(page, "contribute", clip=region(page, "#summary", ".group-when"))
    main = page.locator("main").inner_text()
    assert not JARGON.search(main), JARGON.search(main)

    summary.get_by_role("link", name=re.compile("Date adopted")).click()
    assert page.evaluate("document.activeElement.id") == "f-adoptionDate"
    date.fill("2024-05")
    assert not error.is_visible()  # fixed: the flag goes as soon as the date is right
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("#outcome .ok")
    assert page.locator("#contribute-form").get_attribute("data-checked") == "true"

    page.get_by_role("button", name="Send for review").click()  # no token yet: said, not sent
    assert "contributor token" in page.locator("#outcome .error").inner_text()
    page.get_by_label("Contributor token").fill(CONTRIBUTOR_TOKEN)
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_selector("#outcome[data-contribution]")
    assert f"“{NAME}”" in page.locator("#outcome").inner_text()
    shot(page, "contribute-sent")

    # The contributor follows it: their own submission and its status, no moderation.
    page.get_by_role("link", name="Follow your contributions").first.click()
    page.get_by_label("Your token").fill(CONTRIBUTOR_TOKEN)
    page.get_by_role("button", name="Show contributions").click()
    page.wait_for_selector("#queue[data-loaded=true]")
    mine = page.locator(".contribution", has_text=NAME)
    assert "waiting for review" in mine.inner_text()
    assert page.get_by_role("button", name="Accept and publish").count() == 0
    assert page.get_by_role("button", name="Reject").count() == 0

    # The curator sees the record as it would be published, its diff and its report.
    page.get_by_label("Your token").fill(CURATOR_TOKEN)
    page.get_by_role("button", name="Show contributions").click()
    page.wait_for_selector("#queue[data-loaded=true] .review")
    review = page.locator(".pending-item", has_text=NAME)
    record = review.locator("section.record")
    assert QUOTE in record.inner_text() and SOURCE_TITLE in record.inner_text()
    assert "Lublin" in record.locator("table.props").first.inner_text()
    added = review.locator(".diff-added")
    added.locator("summary").click()  # all of it is new: the curator opens the list
    assert "adoption date: 2024-05" in added.inner_text()
    assert "It conforms to the shapes." in review.locator("section.report").inner_text()
    assert "Sent by ngo" in review.inner_text()
    shot(page, "curate-full")
    shot(page, "curate", clip=region(page, "#status", ".pending-item"))
    review.get_by_label("Reason").fill("The city's page says so.")
    review.get_by_role("button", name="Accept and publish").click()
    page.wait_for_selector("#status:has-text('accepted')")

    # Published: the document's page shows the contributor's passage under each statement.
    page.goto(f"{web_server.url}/search?q={NAME}", wait_until="networkidle")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("link", name=NAME).first.click()
    for value in ("May 2024", "Lublin", "strategy", "adopted", "local", "education", "housing"):
        statement = page.locator("table.props li", has=page.locator(f"text='{value}'"))
        assert statement.filter(has_text=QUOTE).count() >= 1, value
    assert page.get_by_role("link", name=SOURCE_TITLE).count() >= 1
    shot(page, "contributed-document")

    # SPARQL finds the statements in the new evidence unit, with the quote and the web page.
    query = f"""
        PREFIX uikg: <https://w3id.org/uikg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?unit ?quote ?url WHERE {{
          ?doc rdfs:label "{NAME}"@en .
          GRAPH ?unit {{ ?doc uikg:adoptionDate ?date ; uikg:jurisdiction ?city }}
          ?unit uikg:evidenceFrom ?work ; oa:hasSelector/oa:exact ?quote .
          ?work uikg:url ?url .
        }}"""
    answer = httpx.get(
        web_server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    [row] = answer.json()["results"]["bindings"]
    assert row["unit"]["value"].startswith("https://w3id.org/uikg/graph/evidence/")
    assert row["quote"]["value"] == QUOTE and row["url"]["value"] == URL


def test_a_long_queue_shows_one_page_of_reviews_and_more_on_demand(web_server, page) -> None:
    """The curator's page reviews the first 20 pending records (one review request each, not
    one per record in the queue) and fetches the next page when asked."""
    page, _ = page
    curator = {"Authorization": f"Bearer {CURATOR_TOKEN}"}

    def pending() -> list[str]:
        url = f"{web_server.url}/contributions?status=pending&limit=500"
        return [
            c["id"] for c in httpx.get(url, headers=curator, timeout=60).json()["contributions"]
        ]

    for n in range(max(0, 23 - len(pending()))):
        reply = httpx.post(
            f"{web_server.url}/contributions",
            content=records.city(slug=f"queue{n}", label=f"Queue town {n}"),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {CONTRIBUTOR_TOKEN}"},
            timeout=60,
        )
        assert reply.status_code == 201, reply.text
    waiting = pending()
    reviews: list[str] = []
    page.on("request", lambda r: reviews.append(r.url) if r.url.endswith("/review") else None)
    page.goto(f"{web_server.url}/curate", wait_until="networkidle")
    page.get_by_label("Your token").fill(CURATOR_TOKEN)
    page.get_by_role("button", name="Show contributions").click()
    page.wait_for_selector("#queue[data-loaded=true]")
    items = page.locator(".pending-item")
    assert items.count() == 20 and len(reviews) == 20
    shown = [items.nth(i).get_attribute("data-contribution") for i in range(20)]
    assert shown == waiting[:20]  # the oldest first: the order to work through
    more = page.get_by_role("button", name="Show more")
    while more.count():
        more.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.pending-item').length > n", arg=items.count()
        )
    assert items.count() == len(waiting) and len(reviews) == len(waiting)
