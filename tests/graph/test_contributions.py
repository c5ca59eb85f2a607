"""Reading, checking and the lifecycle of contributed records (graph/contributions/)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from tests.conftest import copy_data_dir
from tests.support import records
from uikg.graph.auth import Principal, Role
from uikg.graph.contributions import (
    Contributions,
    Rules,
    Status,
    check_record,
    format_for_media_type,
    format_for_path,
    history_of,
    read_record,
)
from uikg.graph.contributions.check import POLICY_SHAPE
from uikg.graph.contributions.legacy import split_provenance
from uikg.graph.contributions.queue import Claim, Owner, open_queue
from uikg.graph.contributions.record import RecordRefused
from uikg.graph.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    PayloadTooLarge,
    RDFSyntaxError,
    StoreError,
    UnsupportedMediaType,
    ValidationFailed,
)
from uikg.graph.settings import Settings
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.store.remote import RemoteStore

BASE = "https://w3id.org/uikg/"
ALICE = Principal("alice", Role.contributor)
CAROL = Principal("carol", Role.contributor)
BOB = Principal("bob", Role.curator)


def read(data: bytes, format: RdfFormat = RdfFormat.TURTLE, **limits: int):  # type: ignore[no-untyped-def]
    return read_record(data, format, base_iri=BASE, record_id="t1", **limits)


# -- reading ---------------------------------------------------------------------------------
def test_formats_by_media_type_and_extension() -> None:
    assert format_for_media_type("text/turtle; charset=utf-8") is RdfFormat.TURTLE
    assert format_for_media_type("application/ld+json") is RdfFormat.JSON_LD
    assert format_for_path(Path("a.rdf")) is RdfFormat.RDF_XML
    assert format_for_path(Path("a.nt")) is RdfFormat.N_TRIPLES
    for bad in ("application/trig", "application/n-quads", "text/n3", "text/html", None):
        with pytest.raises(UnsupportedMediaType):
            format_for_media_type(bad)
    with pytest.raises(UnsupportedMediaType):
        format_for_media_type("text/turtle; charset=latin-1")
    with pytest.raises(UnsupportedMediaType):
        format_for_path(Path("a.trig"))


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(RDFSyntaxError) as caught:
        read(records.SYNTAX_ERROR)
    assert (caught.value.line, caught.value.column) == (4, 7)


def test_json_syntax_error_has_line_and_column() -> None:
    with pytest.raises(RDFSyntaxError) as caught:
        read(b'{\n  "@id": "https://w3id.org/uikg/id/city/x",\n  oops\n}', RdfFormat.JSON_LD)
    assert caught.value.line == 3


@pytest.mark.parametrize("data", [b"", b"  \n "])
def test_empty_record(data: bytes) -> None:
    with pytest.raises(BadRequest, match="empty"):
        read(data)


def test_byte_and_triple_limits() -> None:
    with pytest.raises(PayloadTooLarge, match="bytes"):
        read(records.city(), max_bytes=100)
    with pytest.raises(PayloadTooLarge, match="50 triples"):
        read(records.many_triples(51), RdfFormat.N_TRIPLES, max_triples=50)
    assert len(read(records.many_triples(50), RdfFormat.N_TRIPLES, max_triples=50).triples) == 50


@pytest.mark.parametrize("make", [records.remote_context, records.remote_context_in_list])
def test_remote_jsonld_context_is_refused_and_never_fetched(make) -> None:  # type: ignore[no-untyped-def]
    with records.Listener() as listener:
        with pytest.raises(RecordRefused, match="remote context"):
            read(make(listener.url), RdfFormat.JSON_LD)
        assert listener.connections == 0


def test_jsonld_import_is_refused() -> None:
    data = b'{"@context": {"@import": "http://127.0.0.1:9/x"}, "@id": "http://ex.org/a"}'
    with pytest.raises(RecordRefused, match="@import"):
        read(data, RdfFormat.JSON_LD)


def test_inline_jsonld_context_is_fine() -> None:
    data = (
        b'{"@context": {"dct": "http://purl.org/dc/terms/"}, '
        b'"@id": "https://w3id.org/uikg/id/city/x", "dct:source": {"@id": "https://e.org/s"}}'
    )
    assert len(read(data, RdfFormat.JSON_LD).triples) == 1


def test_rdfxml_entities_are_refused_and_never_fetched() -> None:
    with records.Listener() as listener:
        with pytest.raises(RecordRefused, match="DOCTYPE") as caught:
            read(records.external_entity(listener.url), RdfFormat.RDF_XML)
        assert caught.value.line == 2
        assert listener.connections == 0
    with pytest.raises(RecordRefused, match="never expanded"):
        read(records.BILLION_LAUGHS, RdfFormat.RDF_XML)


def test_ill_typed_literal_is_a_finding_not_a_refusal(rules: Rules) -> None:
    record = read(records.ILL_TYPED, RdfFormat.N_TRIPLES)  # parses: a report, not a 400
    report = check_record(None, record, rules, base_iri=BASE).report
    assert not report.conforms
    [finding] = [r for r in report.violations if r.path == "http://purl.org/dc/terms/date"]
    assert (finding.focus_node, finding.value) == (f"{BASE}id/city/x", "abc")
    assert finding.expected == "a date (YYYY-MM-DD)"
    assert finding.field == "date" and "“abc” is not a date" in (finding.text or "")
    no_such_day = read(
        b'<http://e.org/a> <http://e.org/p> "2023-02-30"^^'
        b"<http://www.w3.org/2001/XMLSchema#date> .",
        RdfFormat.N_TRIPLES,
    )
    report = check_record(None, no_such_day, rules, base_iri=BASE).report
    assert any("no such day" in r.message for r in report.violations), report.to_text()


def test_an_ill_typed_value_a_shape_constrains_is_reported_once(
    built_store: EmbeddedStore, rules: Rules
) -> None:
    data = records.city() + (
        b"<https://w3id.org/uikg/id/city/poznan> <http://www.w3.org/2003/01/geo/wgs84_pos#lat> "
        b'"north"^^<http://www.w3.org/2001/XMLSchema#decimal> .'
    )
    report = check(built_store, data, rules).report
    lat = [r for r in report.violations if r.path and r.path.endswith("wgs84_pos#lat")]
    assert lat and {r.value for r in lat} == {"north"}, report.to_text()
    assert all(r.source_shape != POLICY_SHAPE for r in lat)  # SHACL said it; policy is quiet
    [datatype] = [
        r for r in lat if r.constraint and r.constraint.endswith("#DatatypeConstraintComponent")
    ]
    assert datatype.expected == "a decimal number" and datatype.field == "latitude"


@pytest.mark.parametrize(
    ("data", "format"),
    [
        (records.IRI_WITH_SPACE_JSONLD, RdfFormat.JSON_LD),
        (records.IRI_WITH_CONTROL_NT, RdfFormat.N_TRIPLES),
        (b"<http://e.org/a b> <http://e.org/p> 1 .", RdfFormat.TURTLE),
    ],
)
def test_iris_with_spaces_or_control_characters(data: bytes, format: RdfFormat) -> None:
    with pytest.raises(BadRequest, match="IRI"):
        read(data, format)


def test_named_graphs_are_refused() -> None:
    data = (
        b'{"@id": "https://w3id.org/uikg/graph/inferred", '
        b'"@graph": [{"@id": "http://e/a", "http://e/p": "x"}]}'
    )
    with pytest.raises(RDFSyntaxError, match="[Nn]amed graphs"):
        read(data, RdfFormat.JSON_LD)


def test_blank_nodes_are_skolemised_in_the_project_space() -> None:
    record = read(b'[] <http://purl.org/dc/terms/source> [ <http://e.org/p> "x" ] .')
    terms = {t.subject.value for t in record.triples}
    assert terms == {f"{BASE}.well-known/genid/t1/b0", f"{BASE}.well-known/genid/t1/b1"}
    assert record.minted == terms
    assert record.digest.startswith("sha256:")


def test_foreign_skolem_iris_are_refused() -> None:
    with pytest.raises(RecordRefused, match="skolem"):
        read(f"<{BASE}.well-known/genid/other/b0> <http://e.org/p> 1 .".encode())


# -- checking --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


def check(store: EmbeddedStore, data: bytes, rules: Rules):  # type: ignore[no-untyped-def]
    return check_record(store, read(data), rules, base_iri=BASE)


def test_conforming_city(built_store: EmbeddedStore, rules: Rules) -> None:
    report = check(built_store, records.city(), rules).report
    assert report.conforms, report.to_text()


def test_unknown_city_and_concept_outside_the_scheme(
    built_store: EmbeddedStore, rules: Rules
) -> None:
    report = check(built_store, records.BAD_DOCUMENT, rules).report
    assert not report.conforms
    paths = {r.path for r in report.violations}
    assert "https://w3id.org/uikg/ontology#jurisdiction" in paths
    assert "https://w3id.org/uikg/ontology#coversArea" in paths
    assert "Violation" in report.to_text()
    assert next(iter(report.graph)) != (None, None, None)


def test_unknown_country(built_store: EmbeddedStore, rules: Rules) -> None:
    report = check(built_store, records.city(country="atlantis"), rules).report
    assert [r.path for r in report.violations] == ["https://w3id.org/uikg/ontology#country"]


def test_a_record_must_state_its_source(built_store: EmbeddedStore, rules: Rules) -> None:
    data = records.city().replace(b"dct:source", b"rdfs:comment")
    report = check(built_store, data, rules).report
    assert any("source" in r.message for r in report.violations)


@pytest.mark.parametrize(
    "data",
    [
        b"<https://w3id.org/uikg/ontology#City> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        b"<http://e.org/Thing> .",
        b"<http://e.org/X> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://e.org/Y> .",
        b"<https://w3id.org/uikg/id/concept/policy-area/education> "
        b"<http://www.w3.org/2004/02/skos/core#inScheme> "
        b"<https://w3id.org/uikg/id/scheme/integration-model> .",
        b"<https://w3id.org/uikg/graph/inferred> <http://www.w3.org/ns/prov#wasGeneratedBy> "
        b"<http://e.org/a> .",
        b"<https://w3id.org/uikg/id/contribution/x> <http://www.w3.org/ns/prov#wasAttributedTo> "
        b"<http://e.org/a> .",
    ],
)
def test_ontology_and_reserved_graphs_are_off_limits(
    built_store: EmbeddedStore, rules: Rules, data: bytes
) -> None:
    data += b"\n<http://e.org/z> <http://purl.org/dc/terms/source> <http://e.org/s> ."
    report = check(built_store, data, rules).report
    assert not report.conforms
    assert any(
        r.source_shape and r.source_shape.endswith("ContributionPolicy") for r in report.violations
    )


# -- lifecycle -------------------------------------------------------------------------------
class Direct:
    """A publisher without query workers: the workflow's view of ``GraphService``."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.updates = 0

    def apply(self, update: str) -> None:
        self.store.update(update)
        self.updates += 1


@pytest.fixture
def workflow(built_dir: Path, tmp_path: Path) -> Iterator[Contributions]:
    copy_data_dir(built_dir, tmp_path)
    store = EmbeddedStore(tmp_path / "store")
    settings = Settings(data_dir=tmp_path)
    yield Contributions(settings, Direct(store), EmbeddedStore(None))
    store.close()


def visible(store: EmbeddedStore, iri: str) -> bool:
    return store.ask(f"ASK {{ <{iri}> ?p ?o }}")


POZNAN = f"{BASE}id/city/poznan"


def test_submit_review_accept(workflow: Contributions) -> None:
    store = workflow.publisher.store
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    assert contribution.status is Status.pending
    assert contribution.sources == ["https://example.org/sources/poznan"]
    assert not visible(store, POZNAN), "a pending record leaked into the published store"
    assert [c.id for c in workflow.list_for(BOB, Status.pending)] == [contribution.id]
    assert workflow.list_for(CAROL) == []
    with pytest.raises(Forbidden):
        workflow.get(contribution.id, CAROL)
    _, checked, changes = workflow.review(contribution.id, BOB)
    assert checked.report.conforms and len(changes.adds) == 5 and not changes.contradicts
    accepted = workflow.accept(contribution.id, BOB, "checked against the city's site")
    assert accepted.status is Status.accepted
    assert [e.action for e in accepted.events] == ["submitted", "accepted"]
    assert visible(store, POZNAN)
    assert store.ask(f"ASK {{ <{POZNAN}> a <https://w3id.org/uikg/ontology#Place> }}")
    assert workflow.publisher.updates == 1
    history = history_of(store, BASE, POZNAN)
    assert [h["contribution"] for h in history] == [accepted.iri]
    assert history[0]["curator"].endswith("/bob")
    with pytest.raises(Conflict):
        workflow.accept(contribution.id, BOB)


def test_contradiction_is_shown_in_the_diff(workflow: Contributions) -> None:
    first = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    other = workflow.submit(records.city(country="germany"), RdfFormat.TURTLE, CAROL)
    workflow.accept(first.id, BOB)
    _, checked, changes = workflow.review(other.id, BOB)
    assert not checked.report.conforms
    [(triple, published)] = changes.contradicts
    assert triple.object.value.endswith("/country/germany")
    assert [t.object.value for t in published] == [f"{BASE}id/country/poland"]
    assert len(changes.present) == 4  # type, two labels and source are already published
    with pytest.raises(ValidationFailed):
        workflow.accept(other.id, BOB)
    assert workflow.get(other.id, BOB).status is Status.pending
    # a record that repeats a one-valued property with another value is refused at once
    with pytest.raises(ValidationFailed):
        workflow.submit(records.city(country="germany"), RdfFormat.TURTLE, ALICE)


def test_reject_needs_a_reason_and_stays_in_history(workflow: Contributions) -> None:
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    with pytest.raises(BadRequest, match="reason"):
        workflow.reject(contribution.id, BOB, " ")
    rejected = workflow.reject(contribution.id, BOB, "duplicate of an existing record")
    assert rejected.status is Status.rejected
    assert rejected.events[-1].reason == "duplicate of an existing record"
    assert not visible(workflow.publisher.store, POZNAN)
    assert workflow.publisher.updates == 0
    assert [c.status for c in workflow.list_for(ALICE)] == [Status.rejected]


def test_superseding_replaces_the_published_graph(workflow: Contributions) -> None:
    store = workflow.publisher.store
    first = workflow.submit(records.city(label="Posen"), RdfFormat.TURTLE, ALICE)
    workflow.accept(first.id, BOB)
    second = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE, supersedes=first.id)
    workflow.accept(second.id, BOB)
    assert workflow.get(first.id, BOB).status is Status.superseded
    assert not store.ask(f'ASK {{ <{POZNAN}> ?p "Posen"@en }}')
    assert store.ask(f'ASK {{ <{POZNAN}> ?p "Poznań"@en }}')


def provenance(store: EmbeddedStore) -> dict[str, set[str]]:
    """Each contribution's provenance graph, as N-Triples lines."""
    prefix = f"{BASE}graph/provenance/contribution/"
    return {
        graph: {str(t) for t in store.triples(graph)}
        for graph in store.named_graphs()
        if graph.startswith(prefix)
    }


def test_each_acceptance_has_a_provenance_graph_of_its_own(workflow: Contributions) -> None:
    store = workflow.publisher.store
    first = workflow.submit(records.city(label="Posen"), RdfFormat.TURTLE, ALICE)
    workflow.accept(first.id, BOB, "checked")
    second = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE, supersedes=first.id)
    workflow.accept(second.id, BOB)
    graphs = provenance(store)
    assert set(graphs) == {workflow.provenance_graph(c.id) for c in (first, second)}
    later = graphs[workflow.provenance_graph(second.id)]
    assert not any(first.iri + "/acceptance>" in line.split(" ", 1)[0] for line in later)
    assert any("wasInvalidatedBy" in line for line in later)  # the revision's, in its own
    assert not store.has_graph(f"{BASE}graph/contributions")
    labels = store.query(
        "SELECT ?l WHERE { GRAPH ?g { ?g <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    )
    names = {row["l"].value for row in labels}
    assert any(n.startswith("provenance of the contribution of ") for n in names)
    assert any(n.startswith("pochodzenie zgłoszenia z ") for n in names)


def test_a_store_with_every_provenance_in_one_graph_is_split_at_start(
    workflow: Contributions,
) -> None:
    """Stores published before 2026-11 kept all of it in ``graph/contributions``."""
    store = workflow.publisher.store
    first = workflow.submit(records.city(label="Posen"), RdfFormat.TURTLE, ALICE)
    workflow.accept(first.id, BOB, "checked")
    second = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE, supersedes=first.id)
    workflow.accept(second.id, BOB)
    third = workflow.submit(records.city("gniezno", "Gniezno"), RdfFormat.TURTLE, CAROL)
    workflow._mark_accepted = lambda *args, **kwargs: None  # type: ignore[method-assign]
    workflow.accept(third.id, BOB)  # published, still pending in the queue (a crash)
    expected = provenance(store)
    legacy = f"{BASE}graph/contributions"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    store.update(  # as the old code wrote it: one graph, one label for it
        f"INSERT {{ GRAPH <{legacy}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?g), "{BASE}graph/provenance/") && ?s != ?g) }} ;\n'
        f'INSERT DATA {{ GRAPH <{legacy}> {{ <{legacy}> {label} "contributions"@en }} }} ;\n'
        + " ;\n".join(f"DROP GRAPH <{g}>" for g in expected)
    )
    assert provenance(store) == {} and history_of(store, BASE, POZNAN) == []

    assert split_provenance(workflow.publisher, BASE)  # as the service starts
    assert provenance(store) == expected
    assert not store.has_graph(legacy)
    assert [h["contribution"] for h in history_of(store, BASE, POZNAN)] == [first.iri, second.iri]
    restarted = Contributions(workflow.settings, workflow.publisher, workflow.queue, workflow.rules)
    assert restarted.get(third.id, BOB).status is Status.accepted  # reconciled after the split
    assert not split_provenance(workflow.publisher, BASE)  # nothing left to move


def test_non_conforming_records_store_nothing(workflow: Contributions) -> None:
    with pytest.raises(ValidationFailed) as caught:
        workflow.submit(records.BAD_DOCUMENT, RdfFormat.TURTLE, ALICE)
    assert not caught.value.report.conforms
    assert workflow.list_for(BOB) == []
    assert len(workflow.queue) == 0


def test_reconcile_after_a_crash_between_publish_and_queue(workflow: Contributions) -> None:
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    workflow._mark_accepted = lambda *args, **kwargs: None  # type: ignore[method-assign]
    workflow.accept(contribution.id, BOB)
    assert workflow.get(contribution.id, BOB).status is Status.pending
    del workflow._mark_accepted
    assert workflow.reconcile() == [contribution.id]
    assert workflow.get(contribution.id, ALICE).status is Status.accepted


def two_processes(workflow: Contributions) -> Contributions:
    """A second process on the same queue and published store (another owner of claims);
    both treat the queue as shared, so another's claim holds until it lapses."""
    other = Contributions(workflow.settings, workflow.publisher, workflow.queue, workflow.rules)
    for one in (workflow, other):
        one.claims.lease_s = 300
    return other


def test_a_decision_in_progress_elsewhere_is_a_conflict(workflow: Contributions) -> None:
    other = two_processes(workflow)
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    claim = workflow.claims.take(contribution.id, contribution.iri, "accept")
    with pytest.raises(Conflict, match="being decided by another curator"):
        other.accept(contribution.id, BOB)
    with pytest.raises(Conflict, match="being decided"):
        other.reject(contribution.id, BOB, "no")
    workflow.claims.done(claim)
    workflow.claims.release(contribution.iri, claim)
    assert other.accept(contribution.id, BOB).status is Status.accepted
    with pytest.raises(Conflict, match="accepted, not pending"):
        workflow.accept(contribution.id, BOB)
    assert not workflow.claims.state(contribution.iri)[1], "a claim was left behind"


def test_a_lapsed_claim_holds_no_one_off(workflow: Contributions) -> None:
    other = two_processes(workflow)
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    lapsed = Claim(f"2020-01-01T00:00:00+00:00 {workflow.claims.owner} 00 accept")
    workflow.queue.update(
        f"INSERT DATA {{ GRAPH <{workflow.meta}> {{ <{contribution.iri}> "
        f'<https://w3id.org/uikg/ontology#claim> "{lapsed.value}" }} }}'
    )
    assert other.reconcile() == []
    assert other.claims.state(contribution.iri)[1] == [], "reconcile leaves lapsed claims"
    rejected = other.reject(contribution.id, BOB, "duplicate")
    assert [e.action for e in rejected.events] == ["submitted", "rejected"]


def test_a_decision_that_stopped_after_publishing_is_finished_once(
    workflow: Contributions,
) -> None:
    other = two_processes(workflow)
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise StoreError("the queue did not answer")

    workflow._mark_accepted = unreachable  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        workflow.accept(contribution.id, BOB)
    del workflow._mark_accepted
    assert workflow.get(contribution.id, BOB).status is Status.pending
    # The claim stays: the other process waits for it to lapse, and leaves it to reconcile.
    with pytest.raises(Conflict, match="being decided"):
        other.accept(contribution.id, BOB)
    assert other.reconcile() == []
    # The process that made it knows its decision is over: the next decision finishes it.
    with pytest.raises(Conflict, match="accepted, not pending"):
        workflow.reject(contribution.id, BOB, "too late")
    accepted = other.get(contribution.id, BOB)
    assert [e.action for e in accepted.events] == ["submitted", "accepted"]
    assert workflow.publisher.updates == 1  # type: ignore[attr-defined]
    assert workflow.reconcile() == [] and other.reconcile() == []
    assert not workflow.claims.state(contribution.iri)[1]


def test_a_publish_that_did_not_commit_frees_the_contribution(workflow: Contributions) -> None:
    contribution = workflow.submit(records.city(), RdfFormat.TURTLE, ALICE)
    publisher = workflow.publisher
    apply = publisher.apply

    def down(update: str) -> None:
        raise StoreError("the published store did not answer")

    publisher.apply = down  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        workflow.accept(contribution.id, BOB)
    publisher.apply = apply  # type: ignore[method-assign]
    assert workflow.claims.state(contribution.iri) == ("pending", [])
    assert workflow.accept(contribution.id, BOB).status is Status.accepted


def test_the_queue_is_never_the_published_store(tmp_path: Path) -> None:
    remote = {
        "backend": "remote",
        "remote_query_url": "http://db:7878/query",
        "remote_update_url": "http://db:7878/update",
    }
    with pytest.raises(ValueError, match="pending records would be visible"):
        Settings(data_dir=tmp_path, queue_query_url="http://db:7878/query", **remote)
    with pytest.raises(ValueError, match="pending records would be visible"):
        Settings(
            data_dir=tmp_path,
            queue_query_url="http://queue:7879/query",
            queue_update_url="http://db:7878/update",
            **remote,
        )
    with pytest.raises(ValueError, match="needs UIKG_QUEUE_QUERY_URL"):
        Settings(data_dir=tmp_path, queue_update_url="http://queue:7879/update")
    shared = Settings(data_dir=tmp_path, queue_query_url="http://queue:7879/query", **remote)
    queue = open_queue(shared)
    assert isinstance(queue, RemoteStore) and queue.update_url == "http://queue:7879/query"
    queue.close()
    queue = open_queue(Settings(data_dir=tmp_path, **remote))
    assert isinstance(queue, EmbeddedStore) and (tmp_path / "contributions").is_dir()
    queue.close()


# -- the command line ------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uikg.api", "validate", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_exit_codes(built_dir: Path, tmp_path: Path) -> None:
    good, bad, broken = tmp_path / "good.ttl", tmp_path / "bad.ttl", tmp_path / "broken.ttl"
    good.write_bytes(records.city())
    bad.write_bytes(records.BAD_DOCUMENT)
    broken.write_bytes(records.SYNTAX_ERROR)
    result = run_cli(str(good), "--data-dir", str(built_dir))
    assert result.returncode == 0, result.stderr
    assert "Conforms" in result.stdout
    result = run_cli(str(good), str(bad), "--data-dir", str(built_dir))
    assert result.returncode == 1
    assert "Violation: https://w3id.org/uikg/id/document/atlantis-strategy" in result.stdout
    assert "property https://w3id.org/uikg/ontology#jurisdiction" in result.stdout
    result = run_cli(str(broken), "--data-dir", str(built_dir))
    assert result.returncode == 2 and "line 4" in result.stderr
    jsonld = tmp_path / "record.jsonld"
    jsonld.write_bytes(records.remote_context("http://127.0.0.1:9"))
    assert run_cli(str(jsonld), "--data-dir", str(built_dir)).returncode == 2
    result = run_cli(str(bad), "--format", "json", "--data-dir", str(built_dir))
    assert result.returncode == 1 and '"conforms": false' in result.stdout


def test_a_process_keeps_its_queue_name_across_restarts_but_never_shares_it(
    tmp_path: Path,
) -> None:
    """Restarted on the same data dir, a process knows its predecessor's claims as its own (so
    it repairs them at once); a second live process on that data dir gets another name."""
    first = Owner(tmp_path)
    second = Owner(tmp_path)  # while the first lives
    assert second.name != first.name
    name = first.name
    del first, second  # the process ends: its lock goes with it
    assert Owner(tmp_path).name == name
    script = (
        "import sys; from pathlib import Path; from uikg.graph.contributions.queue import Owner; "
        "print(Owner(Path(sys.argv[1])).name)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == name  # another process, after this one let go
