"""Contributing without RDF, through the app over HTTP on a copy of the built graph: the field
model in people's words, the type-ahead lookup, the spreadsheet templates, and uploads of
filled-in templates (by row and column, queued through the contribution workflow)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.support.apps import app_on_copy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTRIBUTOR = {"Authorization": "Bearer sheet-contributor-token-0123456789"}
CURATOR = {"Authorization": "Bearer sheet-curator-token-0123456789ab"}
PLACE = "https://w3id.org/uikg/ontology#Place"
# What nobody should have to read: IRIs, prefixes, datatypes.
JARGON = re.compile(r"https?://\w|uikg:|xsd:|rdfs:|\bIRI\b|gYear")


@pytest.fixture
def app(built_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    tokens = "ngo:contributor:sheet-contributor-token-0123456789,ed:curator:sheet-curator-token-0123456789ab"
    with app_on_copy(built_dir, tmp_path, tokens) as client:
        yield client


def people_texts(model: dict) -> list[str]:
    texts = [model["title"], model["thing"]]
    for group in model["groups"]:
        texts += [group["label"], group["help"]]
        for field in group["fields"]:
            texts += [field["label"], field["help"], *field["errors"].values()]
            texts += [o["display"] for o in field.get("pick", {}).get("options", [])]
            texts += [c["label"] for c in field.get("pick", {}).get("classes", [])]
    return texts


# -- the field model ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["document", "programme", "membership"])
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_field_model_is_in_peoples_words(app: TestClient, kind: str, lang: str) -> None:
    model = app.get(f"/contribute/fields/{kind}", params={"lang": lang}).json()
    assert model["lang"] == lang
    order = ["what", "who", "where", "when", "areas", "evidence"]
    groups = [g["key"] for g in model["groups"]]
    assert groups == [g for g in order if g in groups] and "evidence" in groups
    for text in people_texts(model):
        assert text and not JARGON.search(text), text
    keys = {f["key"] for g in model["groups"] for f in g["fields"]}
    assert "sourceLocation" not in keys and {"source.url", "source.quotation"} <= keys


def test_kinds_list_their_field_models(app: TestClient) -> None:
    kinds = app.get("/contribute/fields", params={"lang": "pl"}).json()["kinds"]
    assert [k["kind"] for k in kinds] == ["document", "programme", "membership"]
    assert kinds[2]["title"] == "Członkostwo w sieci lub programie"
    assert app.get(kinds[0]["fields"]).json()["kind"] == "document"
    missing = app.get("/contribute/fields/city")
    assert missing.status_code == 404 and "document" in missing.json()["detail"]


def test_document_fields_in_polish(app: TestClient) -> None:
    model = app.get("/contribute/fields/document", headers={"Accept-Language": "pl"}).json()
    fields = {f["key"]: f for g in model["groups"] for f in g["fields"]}
    assert model["title"] == "Dokument polityki miasta"
    assert model["groups"][0]["label"] == "Co"
    assert fields["jurisdiction"]["label"] == "Miejsce, którego dotyczy"
    assert fields["jurisdiction"]["required"] is True
    date = fields["adoptionDate"]
    assert date["input"] == "date" and date["multiple"] is False
    assert date["format"]["accepts"] == ["YYYY", "YYYY-MM", "YYYY-MM-DD"]
    assert all(
        re.fullmatch(date["format"]["pattern"], v) for v in ("2016", "2016-06", "2016-06-30")
    )
    assert not re.fullmatch(date["format"]["pattern"], "2025-13-45")
    assert "RRRR-MM-DD" in date["errors"]["invalid"]
    place = fields["jurisdiction"]["pick"]
    assert place["allowNew"] is True and place["lookup"]["class"] == [PLACE]
    assert [c["label"] for c in place["classes"]] == ["miejsce"]
    kinds = {o["display"] for o in fields["documentKind"]["pick"]["options"]}
    assert {"strategia", "plan działań"} <= kinds
    assert fields["documentKind"]["pick"]["allowNew"] is False  # a concept cannot be added


def test_lookup_shows_context_and_filters_by_class(app: TestClient) -> None:
    found = app.get("/contribute/lookup", params={"class": PLACE, "q": "gdansk"}).json()
    assert "Gdańsk (city, Poland)" in [o["display"] for o in found["results"]]
    polish = app.get("/contribute/lookup", params={"class": PLACE, "q": "GDAŃ", "lang": "pl"})
    assert "Gdańsk (miasto, Polska)" in [o["display"] for o in polish.json()["results"]]
    funding = "https://w3id.org/uikg/ontology#FundingInstrument"
    assert app.get("/contribute/lookup", params={"class": funding, "q": "gdansk"}).json() == {
        "results": []
    }
    refused = app.get("/contribute/lookup", params={"class": "x> } #", "q": "a"})
    assert refused.status_code == 400 and "not a valid IRI" in refused.json()["detail"]
    assert app.get("/contribute/lookup", params={"q": "a"}).status_code == 400


# -- templates ---------------------------------------------------------------------------------
def test_template_list_by_negotiation(app: TestClient) -> None:
    page = app.get("/contribute/templates/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "document.xlsx" in page.text and "membership.csv" in page.text
    listed = app.get("/contribute/templates/", headers={"Accept": "application/json"}).json()
    assert {t["kind"] for t in listed["templates"]} == {"document", "programme", "membership"}
    polish = app.get("/contribute/templates/", params={"lang": "pl"})
    assert "Szablony arkuszy" in polish.text
    assert app.get("/contribute/templates/", headers={"Accept": "image/png"}).status_code == 406


def template(app: TestClient, kind: str = "document", lang: str = "en") -> openpyxl.Workbook:
    reply = app.get(f"/contribute/templates/{kind}.xlsx", params={"lang": lang})
    assert reply.status_code == 200 and reply.headers["content-type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(reply.content))


def test_xlsx_template_has_labels_help_and_pick_lists(app: TestClient) -> None:
    book = template(app)
    sheet, values = book.worksheets
    headings = [c.value for c in sheet[1]]
    assert "Place it applies to *" in headings and "Date adopted" in headings
    assert not any(JARGON.search(h) for h in headings)
    place = headings.index("Place it applies to *")
    assert "city, region or country" in sheet.cell(row=2, column=place + 1).value
    allowed = {c.value for column in values.iter_cols() for c in column}
    assert {"Gdańsk (city, Poland)", "strategy", "education"} <= allowed
    checks = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(place + 1)
    assert checks[f"{letter}3"].type == "list"
    assert checks[f"{letter}3"].formula1.startswith(f"'{values.title}'!$")


def test_csv_template_in_polish(app: TestClient) -> None:
    reply = app.get("/contribute/templates/membership.csv", params={"lang": "pl"})
    assert reply.status_code == 200 and reply.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Sieć, program lub projekt *", "Członek *"]
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    assert app.get("/contribute/templates/nothing.csv").status_code == 404


# -- uploads -----------------------------------------------------------------------------------
ROWS = [
    {  # 3: a new city strategy citing a new web source with a quote
        "Name (in English)": "Lublin intercultural strategy 2030",
        "Kind of document": "strategy",
        "Status": "adopted",
        "Level of government": "local",
        "Place it applies to": "Lublin (city, Poland)",
        "Date adopted": "2023-05",
        "Policy areas covered": "education; housing",
        "Web address of the source": "https://example.org/lublin/strategy-2030",
        "Title of the source": "Strategia międzykulturowa Lublina 2030",
        "Language of the source": "Polish",
        "Quoted passage": "Rada Miasta przyjęła strategię w maju 2023 roku.",
        "Where in the source": "p. 4",
    },
    {  # 4: an invalid date
        "Name (in English)": "Gdańsk housing plan",
        "Kind of document": "action plan",
        "Status": "adopted",
        "Level of government": "local",
        "Place it applies to": "Gdańsk (city, Poland)",
        "Date adopted": "2025-13-45",
        "Source passage": "Article, footnote 10 (evidence unit, The role of cities in the "
        "integration of immigrants)",
    },
    {  # 5: an existing passage, a date typed by Excel as a date
        "Name (in Polish)": "Plan działań Gdańska w zakresie edukacji",
        "Kind of document": "action plan",
        "Status": "adopted",
        "Level of government": "local",
        "Place it applies to": "Gdańsk",
        "Date adopted": "DATE",
        "Source passage": "Article, footnote 10 (evidence unit, The role of cities in the "
        "integration of immigrants)",
    },
    {  # 6: no place, and a kind of document the list does not have
        "Name (in English)": "Warsaw mystery paper",
        "Kind of document": "manifesto",
        "Status": "draft",
        "Level of government": "local",
        "Web address of the source": "https://example.org/warsaw",
        "Title of the source": "Warsaw paper",
        "Where in the source": "section 2",
    },
    {  # 7: a year is enough
        "Name (in English)": "Wrocław integration programme document",
        "Kind of document": "programme",
        "Status": "adopted",
        "Level of government": "local",
        "Place it applies to": "Wrocław",
        "Date adopted": "2019",
        "Web address of the source": "https://example.org/wroclaw",
        "Title of the source": "Wrocław programme",
        "Where in the source": "p. 1",
    },
]


def filled(app: TestClient, rows: list[dict[str, str]]) -> bytes:
    import datetime as dt

    book = template(app)
    sheet = book.worksheets[0]
    columns = {c.value.rstrip(" *"): c.column for c in sheet[1]}
    for number, row in enumerate(rows, start=3):
        for label, value in row.items():
            cell = sheet.cell(row=number, column=columns[label])
            cell.value = dt.datetime(2016, 6, 30) if value == "DATE" else value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def queue(app: TestClient) -> list[dict]:
    return app.get("/contributions", headers=CURATOR).json()["contributions"]


def test_five_rows_two_with_errors_three_queued(app: TestClient) -> None:
    """The done-when test: 3 rows queued, 2 reported with their row and column."""
    body = filled(app, ROWS)
    reply = app.post(
        "/contributions/spreadsheet/document",
        content=body,
        headers={**CONTRIBUTOR, "Content-Type": XLSX},
    )
    assert reply.status_code == 201, reply.text
    outcome = reply.json()
    assert [q["row"] for q in outcome["queued"]] == [3, 5, 7]
    violations = [p for p in outcome["problems"] if p["severity"] == "Violation"]
    by_row = {}
    for problem in violations:
        by_row.setdefault(problem["row"], []).append(problem)
    assert sorted(by_row) == [4, 6]
    date = by_row[4][0]
    assert date["column"] == "K" and date["field"] == "Date adopted"
    assert date["value"] == "2025-13-45" and "YYYY-MM-DD" in date["message"]
    fields_6 = {p["field"]: p for p in by_row[6]}
    assert fields_6["Kind of document"]["column"] == "C"
    assert "manifesto" in fields_6["Kind of document"]["message"]
    assert fields_6["Place it applies to"]["column"] == "I"
    assert fields_6["Place it applies to"]["message"] == "Fill in “Place it applies to”."
    for problem in outcome["problems"]:
        if "field" in problem:  # what the validator says of the whole record stays its own
            assert not JARGON.search(problem["message"]), problem

    pending = queue(app)
    assert sorted(c["id"] for c in pending) == sorted(q["id"] for q in outcome["queued"])
    assert all(c["status"] == "pending" and c["contributor"] == "ngo" for c in pending)
    first = outcome["queued"][0]["id"]
    record = app.get(
        f"/contributions/{first}/record", headers={**CONTRIBUTOR, "Accept": "application/n-triples"}
    ).text
    # the quote is the new evidence unit's passage, as curated units carry theirs
    assert (
        '<http://www.w3.org/ns/oa#exact> "Rada Miasta przyjęła strategię w maju 2023 roku."'
        in record
    )
    assert "<http://www.w3.org/ns/oa#TextQuoteSelector>" in record
    assert (
        "<https://w3id.org/uikg/ontology#evidence> <https://w3id.org/uikg/graph/evidence/" in record
    )
    assert '"2023-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in record
    assert "<https://w3id.org/uikg/id/city/lublin>" in record
    excel_date = app.get(
        f"/contributions/{outcome['queued'][1]['id']}/record",
        headers={**CONTRIBUTOR, "Accept": "application/n-triples"},
    ).text
    assert '"2016-06-30"^^<http://www.w3.org/2001/XMLSchema#date>' in excel_date


def test_all_or_nothing_queues_nothing(app: TestClient) -> None:
    reply = app.post(
        "/contributions/spreadsheet/document",
        params={"atomic": "true"},
        content=filled(app, ROWS),
        headers={**CONTRIBUTOR, "Content-Type": XLSX},
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["queued"] == [] and reply.json()["atomic"] is True
    assert {p["row"] for p in reply.json()["problems"] if p["severity"] == "Violation"} == {4, 6}
    assert queue(app) == []
    good = [ROWS[0], ROWS[4]]
    reply = app.post(
        "/contributions/spreadsheet/document?atomic=true",
        content=filled(app, good),
        headers={**CONTRIBUTOR, "Content-Type": XLSX},
    )
    assert reply.status_code == 201 and len(reply.json()["queued"]) == 2
    assert len(queue(app)) == 2


def test_dry_run_is_public_and_stores_nothing(app: TestClient) -> None:
    reply = app.post(
        "/contributions/spreadsheet/document/check",
        content=filled(app, ROWS),
        headers={"Content-Type": XLSX},
    )
    assert reply.status_code == 200
    outcome = reply.json()
    assert outcome["dryRun"] is True and outcome["conforms"] is False
    assert outcome["valid"] == [3, 5, 7] and outcome["queued"] == []
    assert queue(app) == []
    again = dict(ROWS[4], **{"Identifier (optional)": "gdansk-immigrant-integration-model"})
    reply = app.post(
        "/contributions/spreadsheet/document/check",
        content=filled(app, [again]),
        headers={"Content-Type": XLSX},
    )
    [known] = [p for p in reply.json()["problems"] if p["severity"] == "Warning"]
    identifier = template(app).worksheets[0][1][-1]  # the last column
    assert known["column"] == identifier.column_letter
    assert known["field"] == identifier.value == "Identifier (optional)"
    assert known["message"].startswith("The graph already has a policy document")
    refused = app.post(
        "/contributions/spreadsheet/document",
        content=filled(app, ROWS[:1]),
        headers={"Content-Type": XLSX},
    )
    assert refused.status_code in (401, 403) and queue(app) == []


def test_polish_csv_with_semicolons(app: TestClient) -> None:
    reply = app.get("/contribute/templates/membership.csv", params={"lang": "pl"})
    head, help_row = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    values = {
        "Sieć, program lub projekt *": "Intercultural Cities (ICC)",
        "Członek *": "Gmina Lublin",
        "Data rozpoczęcia": "2008",
        "Data zakończenia": "2007",
        "Fragment źródła *": "Article, footnote 10 (jednostka dowodowa, The role of cities in "
        "the integration of immigrants)",
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows([head, help_row, [values.get(h, "") for h in head]])
    reply = app.post(
        "/contributions/spreadsheet/membership/check",
        params={"lang": "pl"},
        content=out.getvalue().encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )
    assert reply.status_code == 200, reply.text
    outcome = reply.json()
    assert outcome["rows"] == 1 and outcome["valid"] == []  # the period ends before it starts
    [problem] = [p for p in outcome["problems"] if p["severity"] == "Violation"]
    assert problem["row"] == 3 and problem["field"] == "Data zakończenia"
    letter = openpyxl.utils.get_column_letter(head.index("Data zakończenia") + 1)
    assert problem["column"] == letter and problem["value"] == "2007"
    assert problem["message"].startswith("Pole „Data zakończenia”: wartość „2007”")


def test_wrong_headings_are_named(app: TestClient) -> None:
    body = b"Name (in English),Colour\nx,red\n"
    reply = app.post(
        "/contributions/spreadsheet/document/check",
        content=body,
        headers={"Content-Type": "text/csv"},
    )
    assert reply.status_code == 200
    [problem] = reply.json()["problems"][:1]
    assert problem["row"] == 1 and problem["column"] == "B" and "Colour" in problem["message"]
