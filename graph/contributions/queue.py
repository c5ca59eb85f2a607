"""Where the contribution queue lives, and how API processes that share it decide one at a time.

**Where.** The queue is a ``Store`` like the published data, so it is embedded or remote:

- ``UIKG_QUEUE_QUERY_URL`` unset (the default): an embedded pyoxigraph store in
  ``{data_dir}/contributions``, as before — one process owns it.
- ``UIKG_QUEUE_QUERY_URL`` (and ``UIKG_QUEUE_UPDATE_URL``) set: any SPARQL 1.1 Protocol
  endpoint, e.g. a second Oxigraph server or Virtuoso instance, or a second dataset of a Fuseki
  the operator already runs. Every API process that names it shares one queue. It must not be
  the published store: ``/sparql`` reads the union of every graph there, so a pending record
  in any of its graphs would be public (the settings refuse the same URL).

The queue needs only SPARQL queries and updates (no Graph Store Protocol), and only named
graphs, so engines without a default graph (Virtuoso) hold it as they are.

**One decision at a time.** Two processes may accept or reject the same contribution at once.
A conditional update (``DELETE … INSERT … WHERE`` the status is still pending) is *not* enough:
neither Oxigraph server (0.5) nor Virtuoso (7.2) serialises an update's WHERE with its writes,
and of two such updates sent at once both applied in 33 and 64 of 200 rounds (``python -m
bench.races``; the claims below: never two winners, never none, in the same rounds).
What both do guarantee is that a quad written by a finished request is seen by
every later read. A decision therefore takes a *claim* first:

1. read the status and the claims: not pending, or someone else's live claim → 409;
2. write my claim (one quad: time, owner, token, action), then read again;
3. I win iff my claim is there, no other live claim is, and the status is still pending;
   otherwise I remove my claim and, if the contribution is still pending, try again after a
   random pause (four times at most), then answer 409.

If A and B both won, each would have read (step 3) after writing (step 2) without seeing the
other's claim: A's read came before B's write finished, and B's read before A's did — but A
wrote before reading, and B read after writing, a cycle. So at most one wins, on any engine
whose finished writes are visible to later reads; when two collide exactly, both may lose
once, and the random pause lets one through on the next try.

The winner changes the status first and removes its claim after (two requests), so nobody sees
the claim gone while the status still says pending. A claim outlives its process when one dies
mid-decision: it stops counting after ``UIKG_QUEUE_CLAIM_TIMEOUT_S`` (or at once in the process
that made it, once its decision is over), and the published store, the authority on what was
accepted, says whether the decision got as far as publishing (see ``workflow.reconcile``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import random
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from uikg.graph.errors import Conflict
from uikg.graph.namespaces import UIKG
from uikg.graph.settings import Settings
from uikg.graph.store import open_embedded
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.store.remote import RemoteStore

CLAIM = UIKG + "claim"
STATUS = UIKG + "reviewStatus"
ATTEMPTS = 5  # a collision repeats only if two random pauses end within one round trip
PAUSE_S = (0.05, 0.5)


def open_queue(settings: Settings) -> Store:
    """The queue's store: remote when ``queue_query_url`` is set, else embedded in the data dir."""
    if settings.queue_query_url:
        return RemoteStore(
            settings.queue_query_url,
            settings.queue_update_url or settings.queue_query_url,
            timeout=settings.remote_timeout_s,
        )
    return open_embedded(settings.data_dir / "contributions", settings, service=True)


def shared(queue: Store) -> bool:
    """Whether other processes may write this queue."""
    return not isinstance(queue, EmbeddedStore)


def _lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Claim:
    """A decision in progress, kept in the queue as one literal: ``time owner token action``."""

    value: str

    @classmethod
    def new(cls, owner: str, action: str) -> Claim:
        when = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        return cls(f"{when} {owner} {secrets.token_hex(8)} {action}")

    @property
    def owner(self) -> str:
        parts = self.value.split(" ")
        return parts[1] if len(parts) > 1 else ""

    @property
    def since(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(self.value.split(" ", 1)[0])
        except ValueError:
            return None

    @property
    def action(self) -> str:
        return self.value.rsplit(" ", 1)[-1]


class Owner:
    """This process's name on a queue: the same after a restart on the same data dir.

    So a process restarted after a kill knows the claims its predecessor left as its own, and
    so dead, and repairs their contributions at once (``workflow.reconcile``) instead of after
    the lease: otherwise a contribution published just before the kill stayed "pending" for
    the whole lease (the remote soak, ``bench.soak --remote``). The name's file stays locked
    while the process lives; another live process on the same data dir gets a name of its own.
    """

    def __init__(self, data_dir: Path | None) -> None:
        self._file: IO[str] | None = None
        self.name = secrets.token_hex(6)
        if data_dir is None:
            return
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = (data_dir / "queue-owner").open("a+", encoding="ascii")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a live process: keep the random name
            handle.close()
            return
        handle.seek(0)
        kept = handle.read().strip()
        if kept:
            self.name = kept
        else:
            handle.write(self.name)
            handle.flush()
            os.fsync(handle.fileno())
        self._file = handle  # the lock lasts as long as this object


class Claims:
    """The claims of one process (``owner``) on the contributions of a queue."""

    def __init__(self, queue: Store, meta: str, lease_s: float, owner: Owner | None = None) -> None:
        self.queue = queue
        self.meta = meta
        # An embedded queue is one process's: a claim another process left there is dead.
        self.lease_s = lease_s if shared(queue) else 0.0
        self._owner = owner or Owner(None)
        self.owner = self._owner.name
        self._mine: set[Claim] = set()  # this process's decisions in progress

    def state(self, iri: str) -> tuple[str | None, list[Claim]]:
        """The status and every claim on ``iri`` (one query, so the two agree)."""
        rows = self.queue.query(
            f"SELECT ?status ?claim WHERE {{ GRAPH <{self.meta}> {{ "
            f"{{ <{iri}> <{STATUS}> ?status }} UNION {{ <{iri}> <{CLAIM}> ?claim }} }} }}",
            union_default=False,
        )
        status, claims = None, []
        for row in rows:
            if row["status"] is not None:
                status = row["status"].value
            if row["claim"] is not None:
                claims.append(Claim(row["claim"].value))
        return status, claims

    def alive(self, claim: Claim) -> bool:
        """Whether a claim still holds others off: this process's only while its decision
        runs, another's until the lease ends."""
        if claim.owner == self.owner:
            return claim in self._mine
        since = claim.since
        if since is None:
            return False
        return (dt.datetime.now(dt.UTC) - since).total_seconds() < self.lease_s

    def dead(self, iri: str) -> list[Claim]:
        return [claim for claim in self.state(iri)[1] if not self.alive(claim)]

    def take(self, cid: str, iri: str, action: str) -> Claim:
        """Claim a pending contribution for a decision, or raise ``Conflict`` (see the module)."""
        for attempt in range(ATTEMPTS):
            status, claims = self.state(iri)
            self._refuse(cid, status, [c for c in claims if self.alive(c)])
            mine = Claim.new(self.owner, action)
            self._mine.add(mine)
            self.queue.update(
                f"INSERT DATA {{ GRAPH <{self.meta}> {{ <{iri}> <{CLAIM}> {_lit(mine.value)} }} }}"
            )
            status, claims = self.state(iri)
            others = [c for c in claims if c != mine and self.alive(c)]
            if status == "pending" and mine in claims and not others:
                return mine
            self.release(iri, mine)
            self.done(mine)
            if status != "pending" or attempt == ATTEMPTS - 1:
                self._refuse(cid, status, others)
            time.sleep(random.uniform(*PAUSE_S))  # noqa: S311 (not a secret)
        raise Conflict(f"contribution {cid} is being decided by another curator; try again")

    def held(self, cid: str, iri: str, claim: Claim) -> None:
        """Before an irreversible step: the claim is still ours and the status still pending."""
        status, claims = self.state(iri)
        if status != "pending" or claim not in claims:
            self._refuse(cid, status, [c for c in claims if c != claim])
            raise Conflict(f"contribution {cid}: the claim on it lapsed; try again")

    def done(self, claim: Claim) -> None:
        """This process's decision under ``claim`` is over: the claim holds no one off here."""
        self._mine.discard(claim)

    def release(self, iri: str, *claims: Claim) -> None:
        """Remove claims (ours, or dead ones); removing one twice is harmless."""
        if not claims:
            return
        quads = " ".join(f"<{iri}> <{CLAIM}> {_lit(c.value)} ." for c in claims)
        self.queue.update(f"DELETE DATA {{ GRAPH <{self.meta}> {{ {quads} }} }}")

    @staticmethod
    def _refuse(cid: str, status: str | None, live: list[Claim]) -> None:
        if status is None:
            raise Conflict(f"contribution {cid} has no status in the queue")
        if status != "pending":
            raise Conflict(f"contribution {cid} is {status}, not pending")
        if live:
            since = live[0].since
            when = f" since {since:%H:%M:%S} UTC" if since else ""
            raise Conflict(
                f"contribution {cid} is being decided by another curator "
                f"({live[0].action}{when}); try again in a moment"
            )
