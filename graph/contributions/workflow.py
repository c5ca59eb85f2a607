"""The contribution lifecycle: submit, review, accept or reject, with provenance and history.

Where things live (``{base}`` is the configured base IRI):

- **The queue** is a store of its own (``queue.py``: embedded in ``{data_dir}/contributions``
  by default; with ``UIKG_QUEUE_QUERY_URL`` a SPARQL endpoint every API process shares).
  It holds every contribution's record in ``{base}graph/contribution/{id}`` and, in
  ``{base}graph/contributions``, its PROV description (who, when, from which source, the hash
  of the bytes sent, the validation report) and its history (one ``prov:Activity`` per
  submission, acceptance, rejection or supersession, with agent, time and reason). Nothing in
  the queue is visible to ``/sparql`` or the Graph Store: the public endpoint queries the union
  of *every* graph of the published store, so a pending record must not be in it at all.
- **The published store** gets, when a curator accepts, in one SPARQL Update (one
  transaction; see ``publish``): the record's statements in the evidence units it names (so
  each keeps the evidence the contributor chose), the rest in
  ``{base}graph/published/contribution/{id}``, its new inferences in
  ``{base}graph/inferred/contribution/{id}``, and in
  ``{base}graph/provenance/contribution/{id}`` the PROV of the contribution, its submission and
  its acceptance (a graph per contribution: an acceptance changes only small graphs, so the
  change feed's page for it stays small). Queries see all of it at once or none of it.
  ``uikg build`` leaves the contribution graphs alone.

A decision (accept, reject) first takes a claim on the contribution (``queue.Claims``), so that
of two processes deciding at once exactly one goes on and the other answers 409, on engines
that do not serialise conditional updates too. The published store is the authority on what
was accepted: if a process dies after the publishing update committed but before the queue
said so, :meth:`Contributions.reconcile` (run when the queue opens, and by any later decision
on that contribution) finds the acceptance activity and marks the contribution accepted; a
crash before the commit leaves it pending. Ids are a time and 48 random bits, unique across
processes without coordination.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from uikg.graph.auth import Principal, Role
from uikg.graph.contributions.check import (
    Checked,
    Diff,
    Rules,
    check_record,
    closure,
    diff,
    inferences,
    sources_of,
)
from uikg.graph.contributions.placement import place, quads
from uikg.graph.contributions.publish import (
    Acceptance,
    Publisher,
    block,
    history_of,
    ledger_quads,
    ledger_text,
    lit,
    provenance_graph,
    published_among,
)
from uikg.graph.contributions.queue import CLAIM, Claim, Claims, Owner, open_queue
from uikg.graph.contributions.record import Record, read_record
from uikg.graph.contributions.review import Review, review
from uikg.graph.describe import labels
from uikg.graph.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    UIKGError,
    ValidationFailed,
)
from uikg.graph.namespaces import DCT, PROV, RDFS, UIKG, XSD
from uikg.graph.settings import Settings
from uikg.graph.store.base import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FORMAT_TYPES = {
    RdfFormat.TURTLE: "text/turtle",
    RdfFormat.JSON_LD: "application/ld+json",
    RdfFormat.RDF_XML: "application/rdf+xml",
    RdfFormat.N_TRIPLES: "application/n-triples",
}


class Status(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    superseded = "superseded"


@dataclass
class Event:
    action: str
    agent: str
    time: str
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "agent": self.agent,
            "time": self.time,
            "reason": self.reason,
        }


@dataclass
class Contribution:
    id: str
    iri: str
    status: Status
    contributor: str
    submitted: str
    digest: str
    media_type: str
    triples: int
    sources: list[str]
    report: list[dict[str, Any]]
    record_graph: str
    published_graph: str
    supersedes: str | None = None
    events: list[Event] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # what it is about, by language

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "status": self.status.value,
            "contributor": self.contributor,
            "submitted": self.submitted,
            "hash": self.digest,
            "mediaType": self.media_type,
            "triples": self.triples,
            "sources": self.sources,
            "supersedes": self.supersedes,
            "recordGraph": self.record_graph,
            "publishedGraph": self.published_graph if self.status is Status.accepted else None,
            "report": self.report,
            "history": [event.to_json() for event in self.events],
            "title": self.title(),
            "titles": self.titles,
        }

    def title(self, languages: tuple[str, ...] = ("en",)) -> str | None:
        """The name of what the record is about, in the first of ``languages`` it has."""
        for language in (*languages, "en", "pl", ""):
            if language in self.titles:
                return self.titles[language]
        return next(iter(self.titles.values()), None)


@dataclass
class Judged:
    """A contribution under review: its report now, its triples' diff, the labelled review."""

    contribution: Contribution
    checked: Checked
    diff: Diff
    review: Review


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_id() -> str:
    """Sortable by time, unguessable: ``20261123T071614-1f2e3d4c5b6a``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{secrets.token_hex(6)}"


class Contributions:
    """The queue of contributions and the actions on it; one instance per process."""

    def __init__(
        self, settings: Settings, publisher: Publisher, queue: Store, rules: Rules | None = None
    ) -> None:
        self.settings = settings
        self.base = settings.base_iri
        self.publisher = publisher
        self.queue = queue
        self.rules = rules or Rules.load()
        self.meta = f"{self.base}graph/contributions"
        self.claims = Claims(
            queue, self.meta, settings.queue_claim_timeout_s, Owner(settings.data_dir)
        )
        self._lock = threading.RLock()
        self.reconcile()

    @classmethod
    def open(cls, settings: Settings, publisher: Publisher) -> Contributions:
        """The queue the settings name (``queue.open_queue``), reconciled with the published
        store."""
        return cls(settings, publisher, open_queue(settings))

    def close(self) -> None:
        self.queue.close()

    def _query(self, sparql: str) -> Any:
        return self.queue.query(sparql, union_default=False)

    # -- names ---------------------------------------------------------------------------------
    def iri(self, cid: str) -> str:
        return f"{self.base}id/contribution/{cid}"

    def record_graph(self, cid: str) -> str:
        return f"{self.base}graph/contribution/{cid}"

    def published_graph(self, cid: str) -> str:
        return f"{self.base}graph/published/contribution/{cid}"

    def inferred_graph(self, cid: str) -> str:
        return f"{self.base}graph/inferred/contribution/{cid}"

    def provenance_graph(self, cid: str) -> str:
        return provenance_graph(self.base, cid)

    # -- validation ----------------------------------------------------------------------------
    def read(self, data: bytes, format: RdfFormat, record_id: str) -> Record:
        return read_record(
            data,
            format,
            base_iri=self.base,
            record_id=record_id,
            max_bytes=self.settings.record_max_bytes,
            max_triples=self.settings.record_max_triples,
            max_nesting=self.settings.record_max_nesting,
        )

    def check(
        self,
        record: Record,
        supersedes: str | None = None,
        languages: tuple[str, ...] = ("en",),
    ) -> Checked:
        exclude, retract = [], []
        if supersedes is not None:  # the record replaces what that one published
            exclude = [self.published_graph(supersedes), self.inferred_graph(supersedes)]
            retract = self.ledger(supersedes)
        return check_record(
            self.publisher.store,
            record,
            self.rules,
            base_iri=self.base,
            closure_limit=self.settings.record_closure_max_triples,
            exclude=exclude,
            retract=retract,
            languages=languages,
        )

    def validate(
        self, data: bytes, format: RdfFormat, languages: tuple[str, ...] = ("en",)
    ) -> Checked:
        """The dry run: parse and check, store nothing; the report's words in ``languages``."""
        return self.check(self.read(data, format, "validate"), languages=languages)

    # -- submission ----------------------------------------------------------------------------
    def submit(
        self, data: bytes, format: RdfFormat, who: Principal, supersedes: str | None = None
    ) -> Contribution:
        """Store a conforming record as pending; a non-conforming one raises ValidationFailed."""
        cid = new_id()
        record = self.read(data, format, cid)
        if supersedes is not None:
            previous = self.get(supersedes, who)
            if previous.status not in (Status.pending, Status.accepted):
                raise Conflict(
                    f"contribution {supersedes} is {previous.status}; "
                    "only a pending or accepted one can be superseded"
                )
        checked = self.check(record, supersedes)
        if not checked.report.conforms:
            raise ValidationFailed(
                f"the record does not conform: {len(checked.report.violations)} violation(s)",
                checked.report,
            )
        iri, agent, now = self.iri(cid), who.agent_iri(self.base), _now()
        meta = [
            f"<{iri}> <{RDF_TYPE}> <{PROV}Entity> ; <{UIKG}reviewStatus> {lit('pending')} ;",
            f"  <{PROV}wasAttributedTo> <{agent}> ; <{UIKG}contributor> {lit(who.name)} ;",
            f"  <{PROV}generatedAtTime> {lit(now, XSD + 'dateTime')} ;",
            f"  <{UIKG}recordHash> {lit(record.digest)} ;",
            f"  <{DCT}format> {lit(_FORMAT_TYPES[record.format])} ;",
            f"  <{UIKG}tripleCount> {lit(len(record.triples), XSD + 'integer')} ;",
            f"  <{UIKG}validationReport> {lit(json.dumps(checked.report.to_json()))} ;",
            f"  <{UIKG}recordGraph> <{self.record_graph(cid)}> .",
        ]
        for source in sources_of(record):
            node = f"<{source}>" if ":" in source and " " not in source else lit(source)
            meta.append(f"<{iri}> <{PROV}hadPrimarySource> {node} .")
        if supersedes is not None:
            meta.append(f"<{iri}> <{PROV}wasRevisionOf> <{self.iri(supersedes)}> .")
        meta.append(self._event(cid, 1, "submitted", who, now, None))
        with self._lock:
            self.queue.update(
                f"INSERT DATA {{ GRAPH <{self.record_graph(cid)}> {{ {block(record.triples)} }}"
                f" GRAPH <{self.meta}> {{ {chr(10).join(meta)} }} }}"
            )
        return self._load(cid)

    def _event(
        self,
        cid: str,
        number: int,
        action: str,
        who: Principal | str,
        when: str,
        reason: str | None,
    ) -> str:
        event = f"{self.iri(cid)}/event/{number}"
        agent = who.agent_iri(self.base) if isinstance(who, Principal) else who
        lines = [
            f"<{event}> <{RDF_TYPE}> <{PROV}Activity> ; <{PROV}used> <{self.iri(cid)}> ;",
            f"  <{UIKG}action> {lit(action)} ; <{UIKG}sequence> {lit(number, XSD + 'integer')} ;",
            f"  <{PROV}wasAssociatedWith> <{agent}> ; <{PROV}endedAtTime> "
            f"{lit(when, XSD + 'dateTime')} .",
        ]
        if reason:
            lines.append(f"<{event}> <{RDFS}comment> {lit(reason)} .")
        return "\n".join(lines)

    # -- reading -------------------------------------------------------------------------------
    def _load(self, cid: str) -> Contribution:
        iri = self.iri(cid)
        query = f"""
            SELECT ?p ?o WHERE {{ GRAPH <{self.meta}> {{ <{iri}> ?p ?o }} }}"""
        values: dict[str, list[Any]] = {}
        for row in self._query(query):
            values.setdefault(row["p"].value, []).append(row["o"])
        if not values:
            raise NotFound(f"there is no contribution {cid}")
        events = []
        for row in self._query(f"""
            SELECT ?action ?agent ?time ?reason WHERE {{ GRAPH <{self.meta}> {{
              ?e <{PROV}used> <{iri}> ; <{UIKG}action> ?action ; <{UIKG}sequence> ?n ;
                 <{PROV}wasAssociatedWith> ?agent ; <{PROV}endedAtTime> ?time .
              OPTIONAL {{ ?e <{RDFS}comment> ?reason }} }} }} ORDER BY ?n"""):
            events.append(
                Event(
                    row["action"].value,
                    row["agent"].value,
                    row["time"].value,
                    row["reason"].value if row["reason"] else None,
                )
            )

        def one(name: str) -> str:
            return values[name][0].value  # type: ignore[no-any-return]

        revision = values.get(PROV + "wasRevisionOf")
        return Contribution(
            id=cid,
            iri=iri,
            status=Status(one(UIKG + "reviewStatus")),
            contributor=one(UIKG + "contributor"),
            submitted=one(PROV + "generatedAtTime"),
            digest=one(UIKG + "recordHash"),
            media_type=one(DCT + "format"),
            triples=int(one(UIKG + "tripleCount")),
            sources=sorted(o.value for o in values.get(PROV + "hadPrimarySource", [])),
            report=json.loads(one(UIKG + "validationReport")),
            record_graph=self.record_graph(cid),
            published_graph=self.published_graph(cid),
            supersedes=revision[0].value.rsplit("/", 1)[-1] if revision else None,
            events=events,
            titles=self._titles(cid),
        )

    def _titles(self, cid: str) -> dict[str, str]:
        """The labels of the record's main thing: the one naming its evidence, else any."""
        rows = self._query(f"""
            SELECT ?l (BOUND(?unit) AS ?main) WHERE {{ GRAPH <{self.record_graph(cid)}> {{
              ?s <{RDFS}label> ?l . OPTIONAL {{ ?s <{UIKG}evidence> ?unit }}
              FILTER NOT EXISTS {{ ?s <{RDF_TYPE}> <{UIKG}EvidenceUnit> }} }} }}
            ORDER BY DESC(?main) STR(?l)""")
        titles: dict[str, str] = {}
        for row in rows:
            titles.setdefault(getattr(row["l"], "language", None) or "", row["l"].value)
        if not titles:  # a record adding to a published thing: the thing's published name
            main = self._query(f"""SELECT ?s WHERE {{ GRAPH <{self.record_graph(cid)}> {{
                ?s <{UIKG}evidence> ?unit }} }} LIMIT 1""")
            for row in main:
                for found in labels(self.publisher.store, [row["s"].value]):  # type: ignore[arg-type]
                    language = getattr(found.object, "language", None) or ""
                    titles.setdefault(language, found.object.value)  # type: ignore[union-attr]
        return titles

    def get(self, cid: str, who: Principal) -> Contribution:
        """A contribution, for its contributor and for curators."""
        if not cid.replace("-", "").isalnum():
            raise NotFound(f"there is no contribution {cid}")
        contribution = self._load(cid)
        if contribution.contributor != who.name and not who.role.allows(Role.curator):
            raise Forbidden(f"contribution {cid} belongs to another contributor")
        return contribution

    def list_for(
        self,
        who: Principal,
        status: Status | Collection[Status] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Contribution]:
        """Curators see every contribution, contributors their own; oldest first (the order a
        queue is worked through) or newest first, ``limit`` from ``offset`` on (each is read
        whole: a queue of thousands is read a page at a time)."""
        statuses = [status] if isinstance(status, Status) else list(status or ())
        filters = []
        if statuses:
            values = " ".join(lit(s.value) for s in statuses)
            filters.append(f"?c <{UIKG}reviewStatus> ?status . VALUES ?status {{ {values} }}")
        if not who.role.allows(Role.curator):
            filters.append(f"?c <{UIKG}contributor> {lit(who.name)} .")
        order = "DESC(?t) DESC(?c)" if newest_first else "?t ?c"
        rows = self._query(f"""
            SELECT ?c WHERE {{ GRAPH <{self.meta}> {{
              ?c <{UIKG}recordGraph> ?g ; <{PROV}generatedAtTime> ?t . {" ".join(filters)} }} }}
            ORDER BY {order} {"" if limit is None else f"LIMIT {int(limit)}"} OFFSET {int(offset)}""")
        prefix = self.iri("")
        return [self._load(row["c"].value[len(prefix) :]) for row in rows]

    def record(self, cid: str) -> list[Triple]:
        graph = self.record_graph(cid)
        return list(
            self.queue.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                union_default=False,
                form="CONSTRUCT",
            )
        )

    def _as_record(self, contribution: Contribution) -> Record:
        triples = self.record(contribution.id)
        prefix = f"{self.base}.well-known/genid/{contribution.id}/"
        minted = {
            t.value
            for tr in triples
            for t in (tr.subject, tr.object)
            if isinstance(t, NamedNode) and t.value.startswith(prefix)
        }
        return Record(triples, RdfFormat.N_TRIPLES, contribution.digest, 0, contribution.id, minted)

    def review(self, cid: str, who: Principal) -> tuple[Contribution, Checked, Diff]:
        """The contribution, its report against the graph as it is now, and the diff."""
        contribution = self.get(cid, who)
        record = self._as_record(contribution)
        checked = self.check(record, contribution.supersedes)
        return contribution, checked, diff(record, checked.closure, self.rules)

    def view(self, cid: str, who: Principal, languages: tuple[str, ...] = ("en",)) -> Judged:
        """What a curator judges: the record as it would be published and its comparison with
        the graph (labels in ``languages``), and its report against the graph as it is now."""
        contribution = self.get(cid, who)
        if not who.role.allows(Role.curator):
            raise Forbidden("reviewing a contribution needs the curator role")
        record = self._as_record(contribution)
        checked = self.check(record, contribution.supersedes, languages)
        shown = review(
            self.publisher.store,
            record.triples,
            self.published_graph(cid),
            self.rules.functional | self.single_valued,
            languages,
            self.base,
        )
        return Judged(contribution, checked, diff(record, checked.closure, self.rules), shown)

    @functools.cached_property
    def single_valued(self) -> frozenset[str]:
        """Properties the ontology says take one value (``uikg:expectsSingleValue``): sources
        may still disagree, so the graph keeps both, but a curator sees them as a change."""
        marked = self.rules.ontology.subjects(
            rdflib.URIRef(UIKG + "expectsSingleValue"), rdflib.Literal(True)
        )
        return frozenset(str(p) for p in marked)

    # -- decisions -----------------------------------------------------------------------------
    def _next_event(self, cid: str) -> int:
        return len(self._load(cid).events) + 1

    def _set_status(
        self,
        cid: str,
        status: Status,
        action: str,
        who: Principal | str,
        reason: str | None,
        when: str | None = None,
        expected: tuple[Status, ...] = (Status.pending,),
    ) -> None:
        """Move ``cid`` from one of the ``expected`` statuses to ``status``, with its event."""
        iri = self.iri(cid)
        allowed = ", ".join(lit(s.value) for s in expected)
        self.queue.update(f"""
            DELETE {{ GRAPH <{self.meta}> {{ <{iri}> <{UIKG}reviewStatus> ?s }} }}
            INSERT {{ GRAPH <{self.meta}> {{ <{iri}> <{UIKG}reviewStatus> {lit(status.value)} .
              {self._event(cid, self._next_event(cid), action, who, when or _now(), reason)} }} }}
            WHERE {{ GRAPH <{self.meta}> {{ <{iri}> <{UIKG}reviewStatus> ?s
              FILTER(?s IN ({allowed})) }} }}""")

    def _claim(self, contribution: Contribution, action: str) -> Claim:
        """Claim a pending contribution for a decision (``Conflict`` when another process is
        deciding it or has decided it). A decision that died after publishing is finished
        here, as ``reconcile`` would, and the caller hears that the contribution is accepted."""
        if contribution.status is not Status.pending:
            raise Conflict(f"contribution {contribution.id} is {contribution.status}, not pending")
        claim = self.claims.take(contribution.id, contribution.iri, action)
        try:
            found = self._acceptance(contribution.id)
            if found is not None:
                agent, when = found
                self._mark_accepted(
                    contribution,
                    agent,
                    when,
                    "recovered: its acceptance was "
                    "published by a decision that stopped before saying so",
                )
                raise Conflict(f"contribution {contribution.id} is accepted, not pending")
        except BaseException:
            self._end(contribution.iri, claim, release=True)
            raise
        return claim

    def _end(self, iri: str, claim: Claim, *, release: bool) -> None:
        """The decision is over in this process; its claim goes (with any that lapsed) unless
        the outcome is unknown: then it stays until it lapses, and the published store says
        what happened."""
        self.claims.done(claim)
        if release:
            self.claims.release(iri, claim, *self.claims.dead(iri))

    def reject(self, cid: str, who: Principal, reason: str) -> Contribution:
        if not reason or not reason.strip():
            raise BadRequest("say why the contribution is rejected (a reason is required)")
        with self._lock:
            contribution = self.get(cid, who)
            claim = self._claim(contribution, "reject")
            try:
                self._set_status(cid, Status.rejected, "rejected", who, reason.strip())
            finally:
                self._end(contribution.iri, claim, release=True)
        return self._load(cid)

    def accept(self, cid: str, who: Principal, reason: str | None = None) -> Contribution:
        """Publish a pending record in one transaction of the published store."""
        with self._lock:
            contribution = self.get(cid, who)
            claim = self._claim(contribution, "accept")
            release = True
            try:
                acceptance = self._acceptance_of(contribution, who, reason)
                self._pause("before-publish")
                self.claims.held(cid, contribution.iri, claim)
                release = False  # from here an error may leave the outcome unknown
                try:
                    self.publisher.apply(acceptance.update())
                except UIKGError:
                    release = self._acceptance(cid) is None  # it did not commit
                    raise
                self._pause("after-publish")
                self._mark_accepted(contribution, who, acceptance.accepted, reason)
                release = True
            finally:
                self._end(contribution.iri, claim, release=release)
        return self._load(cid)

    def _acceptance_of(
        self, contribution: Contribution, who: Principal, reason: str | None
    ) -> Acceptance:
        """The publishing update of a claimed contribution, checked against the graph as it is
        now; its ledger is kept in the queue first."""
        cid = contribution.id
        record = self._as_record(contribution)
        checked = self.check(record, contribution.supersedes)
        if not checked.report.conforms:
            raise ValidationFailed(
                f"contribution {cid} no longer conforms to the published graph", checked.report
            )
        inferred = inferences(record, checked.closure, self.rules)
        previous = self._load(contribution.supersedes) if contribution.supersedes else None
        retiring = previous is not None and previous.status is Status.accepted
        retract = self.ledger(previous.id) if previous is not None and retiring else []
        placed = place(record.triples, self.published_graph(cid))
        everything = quads(placed)
        before = published_among(self.publisher.store, everything) - set(retract)
        self._set_ledger(cid, [q for q in everything if q not in before])
        return Acceptance(
            base=self.base,
            meta=self.provenance_graph(cid),
            contribution=contribution.iri,
            own_graph=self.published_graph(cid),
            inferred_graph=self.inferred_graph(cid),
            contributor=f"{self.base}id/contributor/{contribution.contributor}",
            curator=who.agent_iri(self.base),
            submitted=contribution.submitted,
            accepted=_now(),
            digest=contribution.digest,
            sources=contribution.sources,
            placed=placed,
            inferred=inferred,
            reason=reason,
            revises=previous.iri if previous is not None else None,
            retract_graphs=(
                (self.published_graph(previous.id), self.inferred_graph(previous.id))
                if previous is not None and retiring
                else ()
            ),
            retract=tuple(retract),
        )

    def ledger(self, cid: str) -> list[Quad]:
        """The quads accepting ``cid`` added to the published store (what revising it retracts)."""
        rows = list(
            self._query(
                f"SELECT ?q WHERE {{ GRAPH <{self.meta}> {{ <{self.iri(cid)}> "
                f"<{UIKG}publishedQuads> ?q }} }}"
            )
        )
        return ledger_quads(rows[0]["q"].value) if rows else []

    def _set_ledger(self, cid: str, added: list[Quad]) -> None:
        """Kept before publishing: a crash after it leaves it beside a still pending record."""
        iri = self.iri(cid)
        self.queue.update(
            f"DELETE WHERE {{ GRAPH <{self.meta}> {{ <{iri}> <{UIKG}publishedQuads> ?q }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{self.meta}> {{ <{iri}> <{UIKG}publishedQuads> "
            f"{lit(ledger_text(added))} }} }}"
        )

    def _mark_accepted(
        self, contribution: Contribution, who: Principal | str, when: str, reason: str | None
    ) -> None:
        self._set_status(contribution.id, Status.accepted, "accepted", who, reason, when)
        if contribution.supersedes:
            previous = self._load(contribution.supersedes)
            if previous.status in (Status.pending, Status.accepted):
                self._set_status(
                    previous.id,
                    Status.superseded,
                    "superseded",
                    who,
                    f"superseded by contribution {contribution.id}",
                    when,
                    expected=(Status.pending, Status.accepted),
                )

    def _pause(self, where: str) -> None:
        if self.settings.accept_pause_s > 0 and self.settings.accept_pause_at == where:
            time.sleep(self.settings.accept_pause_s)

    # -- recovery and history ------------------------------------------------------------------
    def _acceptance(self, cid: str) -> tuple[str, str] | None:
        """The curator and time of ``cid``'s acceptance, if the published store holds it."""
        rows = list(
            self.publisher.store.query(  # type: ignore[arg-type]
                f"""
            SELECT ?agent ?time WHERE {{ GRAPH <{self.provenance_graph(cid)}> {{
              <{self.iri(cid)}/acceptance> <{PROV}generated> ?g ;
                <{PROV}wasAssociatedWith> ?agent ; <{PROV}endedAtTime> ?time }} }} LIMIT 1""",
                union_default=False,
            )
        )
        return (rows[0]["agent"].value, rows[0]["time"].value) if rows else None

    def _accepted_among(self, cids: list[str]) -> dict[str, tuple[str, str]]:
        """Which of ``cids`` the published store holds an acceptance of (curator, time)."""
        found: dict[str, tuple[str, str]] = {}
        prefix = self.iri("")
        for start in range(0, len(cids), 200):
            values = " ".join(
                f"(<{self.iri(cid)}/acceptance> <{self.provenance_graph(cid)}>)"
                for cid in cids[start : start + 200]
            )
            rows = self.publisher.store.query(  # type: ignore[arg-type]
                f"""
                SELECT ?a ?agent ?time WHERE {{ VALUES (?a ?m) {{ {values} }} GRAPH ?m {{
                  ?a <{PROV}generated> ?g ; <{PROV}wasAssociatedWith> ?agent ;
                     <{PROV}endedAtTime> ?time }} }}""",
                union_default=False,
            )
            for row in rows:
                cid = row["a"].value[len(prefix) : -len("/acceptance")]
                found.setdefault(cid, (row["agent"].value, row["time"].value))
        return found

    def reconcile(self) -> list[str]:
        """Repair what decisions that died left behind: a pending contribution whose acceptance
        the published store holds is marked accepted, and claims that lapsed are removed.
        Contributions another process is deciding right now are left alone. Two queries find
        what needs it, however long the queue."""
        fixed = []
        with self._lock:
            rows = self._query(f"""
                SELECT ?c ?claim WHERE {{ GRAPH <{self.meta}> {{
                  ?c <{UIKG}reviewStatus> "pending" ; <{UIKG}recordGraph> ?g
                  OPTIONAL {{ ?c <{CLAIM}> ?claim }} }} }}""")
            prefix = self.iri("")
            pending: dict[str, list[Claim]] = {}
            for row in rows:
                claims = pending.setdefault(row["c"].value[len(prefix) :], [])
                if row["claim"] is not None:
                    claims.append(Claim(row["claim"].value))
            published = self._accepted_among(sorted(pending))
            for cid, claims in pending.items():
                iri = self.iri(cid)
                if any(self.claims.alive(c) for c in claims):
                    continue
                if cid not in published:
                    self.claims.release(iri, *claims)
                    continue
                try:
                    claim = self.claims.take(cid, iri, "reconcile")
                except Conflict:
                    continue  # another process is repairing it
                try:
                    agent, when = published[cid]
                    self._mark_accepted(self._load(cid), agent, when, "recovered after a restart")
                    fixed.append(cid)
                finally:
                    self._end(iri, claim, release=True)
        return fixed


__all__ = ["Conflict", "Contribution", "Contributions", "Event", "Status", "closure", "history_of"]
