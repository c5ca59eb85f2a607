"""axe-core (pinned in web/package.json, served like the other assets) on every kind of page:
no serious or critical violation; and the workbench and the pictures work from the keyboard."""

from __future__ import annotations

import pytest

PAGES = [
    "/",
    "/doc/id/city/gdansk",
    "/doc/id/document/gdansk-immigrant-integration-model",
    "/doc/graph/evidence/essay/l17",
    "/sparql",
    "/pictures",
    "/pictures/map",
    "/pictures/timeline",
    "/pictures/matrix",
    "/pictures/network",
    "/docs",
    "/contribute",
    "/curate",
    "/search?q=Gdansk",
    "/api/v1/cities",
    "/?lang=pl",
    "/doc/id/city/warsaw?lang=pl",
]

AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_accessibility_violation(web_server, page, path: str) -> None:
    page, _ = page
    page.goto(web_server.url + path, wait_until="networkidle")
    if path.startswith("/pictures/"):
        page.wait_for_selector("#picture[data-rendered=true]")
    page.add_script_tag(url=web_server.url + "/assets/vendor/axe-core/axe.min.js")
    assert page.evaluate(AXE) == [], path


def test_the_map_is_usable_from_the_keyboard(web_server, page) -> None:
    page, _ = page
    page.goto(web_server.url + "/pictures/map", wait_until="networkidle")
    page.wait_for_selector("#picture[data-rendered=true]")
    for _ in range(40):  # tab through the page until a city marker has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')"):
            break
    else:
        pytest.fail("no city marker is reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup a.city-link")


def test_the_network_filters_from_the_keyboard(web_server, page) -> None:
    page, _ = page
    page.goto(web_server.url + "/pictures/network", wait_until="networkidle")
    page.wait_for_selector("#picture[data-rendered=true] svg")
    before = page.locator("#picture").get_attribute("data-links")
    page.get_by_label("Country", exact=True).focus()
    page.keyboard.press("ArrowDown")  # the first country
    page.wait_for_function(f"document.querySelector('#picture').dataset.links != '{before}'")
