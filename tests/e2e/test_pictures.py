"""Pictures that answer: a network without overlap or clipping, a labelled timeline with city
and national measures apart, permalinks with their filters, and an embeddable version."""

from __future__ import annotations

import itertools
import json
import math
import re
from urllib.parse import quote

from tests.e2e.conftest import shot


def _rendered(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(
        "#picture[data-rendered=true] svg, #picture[data-rendered=true].leaflet-container"
    )


def test_the_network_lays_out_without_overlap_or_clipping(web_server, page):
    page, _ = page
    _rendered(page, web_server.url + "/pictures/network")
    frame = page.locator("#picture svg").bounding_box()
    points = json.loads(page.locator("#picture").get_attribute("data-layout"))
    assert len(points) == int(page.locator("#picture").get_attribute("data-nodes")) > 20
    for (x1, y1), (x2, y2) in itertools.combinations(points, 2):
        assert math.hypot(x1 - x2, y1 - y2) >= 17, "two nodes overlap"
    assert all(0 < x < frame["width"] and 0 < y < frame["height"] for x, y in points)
    boxes = page.locator("#picture svg .mark-text.role-mark text").evaluate_all(
        "ts => ts.filter(t => t.getAttribute('opacity') !== '0' && t.textContent)"
        ".map(t => { const b = t.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })"
    )
    assert len(boxes) >= len(points) // 2  # most nodes are named
    for a, b in itertools.combinations(boxes, 2):  # no two labels on top of each other
        overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
        overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        assert overlap_x <= 1 or overlap_y <= 1, (a, b)
    page.get_by_label("Show labels").uncheck()  # labels on demand
    page.wait_for_function("location.search.includes('labels=off')")
    page.wait_for_function(
        "document.querySelectorAll('#picture svg .mark-text.role-mark text').length === 0"
    )


def test_the_networks_permalink_keeps_its_filters(web_server, page):
    page, _ = page
    _rendered(page, web_server.url + "/pictures/network")
    page.get_by_label("Country", exact=True).select_option("Poland")
    page.wait_for_function("location.search.includes('country=Poland')")
    links = page.locator("#picture").get_attribute("data-links")
    permalink = page.locator("#permalink").get_attribute("href")
    assert permalink.endswith("/pictures/network?country=Poland")
    _rendered(page, permalink)
    assert page.get_by_label("Country", exact=True).input_value() == "Poland"
    page.wait_for_function(f"document.querySelector('#picture').dataset.links === '{links}'")
    code = page.locator("#embed-code").input_value()
    assert re.search(r'<iframe src="[^"]+/pictures/network/embed\?country=Poland"', code)


def test_the_embeddable_version_draws_alone_and_links_home(web_server, page):
    page, _ = page
    _rendered(page, web_server.url + "/pictures/network/embed?country=Poland")
    assert page.locator("header.site").count() == 0  # no site chrome inside an iframe
    assert page.get_by_label("Country", exact=True).input_value() == "Poland"
    credit = page.locator(".embed-credit a")
    assert credit.get_attribute("href").endswith("/pictures/network")
    shot(page, "network-embed", full=False)


def test_the_timeline_labels_its_points_and_separates_city_and_national(web_server, page):
    page, _ = page
    _rendered(page, web_server.url + "/pictures/timeline")
    points = page.locator("#picture svg .mark-symbol.role-mark path").count()
    labels = page.locator("#picture svg .mark-text.role-mark text").evaluate_all(
        "ts => ts.map(t => t.textContent)"
    )
    assert points > 5 and len([t for t in labels if t]) == points
    rows = page.locator("#picture svg .role-axis-label text").evaluate_all(
        "ts => ts.map(t => t.textContent)"
    )
    assert "Poland · city" in rows and "Poland · national" in rows
    page.get_by_label("Country", exact=True).select_option("Poland")
    page.wait_for_function("location.search.includes('country=Poland')")
    page.wait_for_function(
        "[...document.querySelectorAll('#picture svg .role-axis-label text')]"
        ".filter(t => t.textContent.includes('·')).every(t => t.textContent.startsWith('Poland'))"
    )


def test_a_city_page_links_to_the_city_on_the_map(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/doc/id/city/gdansk", wait_until="networkidle")
    page.get_by_role("link", name="Show on the map").click()
    page.wait_for_selector("#picture[data-rendered=true]")
    assert "focus=" + quote("https://w3id.org/uikg/id/city/gdansk", safe="") in page.url
    popup = page.locator(".leaflet-popup a.city-link")
    popup.wait_for()
    assert popup.inner_text() == "Gdańsk"
