"""One place for every setting and limit, read from the environment (``UIKG_*``) or a ``.env``."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_IRI = "https://w3id.org/uikg/"


class Backend(StrEnum):
    embedded = "embedded"
    remote = "remote"


class Settings(BaseSettings):
    """Service settings. Every limit is here so operators can tune it without code changes."""

    model_config = SettingsConfigDict(env_prefix="UIKG_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    base_iri: str = DEFAULT_BASE_IRI

    # Store
    backend: Backend = Backend.embedded
    data_dir: Path = Path("var")
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_store_url: str | None = Field(
        default=None, description="Graph Store Protocol endpoint of the remote server."
    )
    remote_timeout_s: float = 30.0
    remote_default_graph_iri: str | None = Field(
        default=None,
        description="A named graph standing in for the default graph on engines without one "
        "(Virtuoso).",
    )
    remote_hidden_graphs: list[str] = Field(
        default_factory=list,
        description="Graph IRI prefixes of the engine's own graphs, kept out of listings and dumps "
        '(Virtuoso: ["http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", '
        '"http://localuriqaserver/"]).',
    )

    sources_dir: Path | None = Field(
        default=None,
        description="The folder holding the source texts (../shared/sources); when set, the build "
        "checks every evidence unit's quote against its text and fails on one it cannot find.",
    )

    # HTTP
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: SecretStr | None = None
    max_body_bytes: int = 1_048_576
    access_log: bool = Field(
        default=False,
        description="Log every request (uvicorn's access log). Off by default, like gunicorn: "
        "it costs a fifth of the CPU of a cheap query; a reverse proxy usually logs anyway.",
    )

    # Query guards
    query_timeout_s: float = 10.0
    max_query_bytes: int = 65_536
    max_query_nesting: int = 64
    max_query_operators: int = 1_000
    max_result_rows: int = 10_000
    max_read_rows: int = Field(
        default=1_000_000,
        description="Row limit of the reads the service runs for pages, collections, search and "
        "statistics (their queries bound themselves; a read past this is an error, never a "
        "silently shorter page).",
    )
    query_workers: int = Field(
        default_factory=lambda: min(os.cpu_count() or 2, 8),
        description="Queries the in-memory engine runs at once at full priority (one a core: "
        "more only slows them; a query past slow_query_nice_after_s stops counting), and the "
        "on-disk workers started with the service.",
    )
    query_workers_max: int = Field(
        default=8, description="Queries running at once in all (engine threads; disk workers)."
    )
    query_queue_timeout_s: float = 5.0
    query_memory_mb: int = 4096
    query_in_memory: bool = Field(
        default=True,
        description="Query an in-memory copy of the store, loaded in the background at start "
        "(the on-disk snapshot answers meanwhile); writes reach it as updates. Several times "
        "faster on joins and aggregates; costs about 400 MB of RAM per million triples.",
    )
    engine_reload_backoff_s: float = Field(
        default=10.0,
        description="After the in-memory engine is lost a second time in a row (a query past "
        "the limit, or a crash), wait this long before loading it again, doubling with each "
        "further loss; queries run on disk meanwhile (0: reload at once, always).",
    )
    malloc_arenas: int = Field(
        default=1,
        description="glibc malloc arenas for `uikg serve` (0: glibc's default, up to 8 per "
        "core): one keeps the service's memory level under a stream of writes.",
    )
    malloc_mmap_threshold_kb: int = Field(
        default=128,
        description="For `uikg serve`, glibc maps blocks of at least this size from the system "
        "and unmaps them when freed (0: glibc's default, which raises the threshold as large "
        "blocks are freed, so later ones leave holes in the heap).",
    )
    store_flush_after_kb: int = Field(
        default=128,
        description="Flush the embedded store's write buffers after this much has been written "
        "(as update text; the buffers take about 13 times as much): bounds the memory they hold "
        "in the service (0: RocksDB decides, up to 128 MB per index).",
    )
    store_reopen_after_flushes: int = Field(
        default=1,
        description="The service closes and opens its embedded stores (the published one and "
        "the queue) again after this many such flushes, once nothing reads them (~15 ms): "
        "RocksDB's block caches, up to 160 MB per store and not settable through Oxigraph, "
        "otherwise keep the blocks of every file a flush or compaction replaces (0: never).",
    )
    engine_apply_wait_s: float = Field(
        default=1.0,
        description="How long a query waits for the in-memory engine to apply a write it has "
        "been sent before the query runs on an on-disk snapshot instead (made for it).",
    )
    engine_reload_backoff_max_s: float = Field(
        default=600.0,
        description="The longest such wait; an engine not lost for this long is forgiven.",
    )
    query_cache_mb: int = 64
    query_cache_entry_kb: int = 1024
    slow_query_nice_after_s: float = 0.25
    inverse_page_size: int = 100
    max_page_size: int = 500
    service_allowlist: list[str] = Field(default_factory=list)
    allow_load: bool = False

    # Linked from the world: reconciliation (graph/reconcile.py), CORS, HTTP caching
    reconcile_max_batch: int = Field(
        default=100, description="Queries in one reconciliation batch (413 past it)."
    )
    reconcile_max_query_chars: int = 500
    reconcile_max_candidates: int = 25
    reconcile_max_properties: int = 10
    reconcile_max_extend_ids: int = 1_000
    reconcile_max_extend_properties: int = 20
    cors: bool = Field(
        default=True,
        description="Access-Control-Allow-Origin: * on public reads (never with credentials, "
        "never on writes).",
    )
    cache_max_age_s: int = Field(
        default=60, description="Cache-Control max-age of public reads (0: revalidate always)."
    )
    change_feed: bool = Field(
        default=True,
        description="Keep the LDES change feed (/feed) of every published version of every "
        "graph, in {data_dir}/feed: each write hashes the graphs it may have changed.",
    )
    version_check_s: float = Field(
        default=1.0,
        description="On the remote backend, how long the store's version (for ETag and "
        "Last-Modified) is trusted before it is read again: other processes may write.",
    )

    # Auth and contributions (graph/auth.py, graph/contributions/)
    tokens: SecretStr | None = Field(
        default=None,
        description="name:role:token entries, comma separated (roles: contributor, "
        "curator, admin).",
    )
    tokens_file: Path | None = Field(
        default=None, description="File of 'name role sha256:HEX' lines (hashed tokens)."
    )
    record_max_bytes: int = 1_048_576
    record_max_triples: int = 10_000
    record_max_nesting: int = Field(
        default=64, description="Depth of nested arrays and objects in a JSON-LD record."
    )
    record_closure_max_triples: int = 20_000
    # Where the queue lives (graph/contributions/queue.py): pending records and their history.
    queue_query_url: str | None = Field(
        default=None,
        description="SPARQL query endpoint of the store that holds the contribution queue; set "
        "it (with the remote backend) so that every API process shares one queue. Unset: an "
        "embedded store in {data_dir}/contributions, for one process. Never the published "
        "store's endpoint: /sparql reads every graph there, pending records too.",
    )
    queue_update_url: str | None = Field(
        default=None, description="SPARQL update endpoint of the queue (default: the query URL)."
    )
    queue_claim_timeout_s: float = Field(
        default=300.0,
        description="How long a curator's decision in progress (its claim on a contribution) "
        "holds other processes off; past it the claim counts as left by a process that died "
        "mid-decision. Longer than any accept takes; API hosts' clocks must agree within it.",
    )
    accept_pause_s: float = Field(
        default=0.0, description="Testing only: pause inside an accept (crash tests)."
    )
    accept_pause_at: Literal["before-publish", "after-publish"] = "before-publish"
    # Spreadsheet uploads (graph/spreadsheets/): hostile input, so every dimension has a limit.
    spreadsheet_max_bytes: int = Field(
        default=1_048_576, description="Bytes of an uploaded .xlsx or .csv file."
    )
    spreadsheet_max_unzipped_bytes: int = Field(
        default=16_777_216, description="Bytes an .xlsx may expand to (all its parts together)."
    )
    spreadsheet_max_zip_ratio: int = Field(
        default=100, description="How many times larger than the upload an .xlsx may expand."
    )
    spreadsheet_max_parts: int = Field(default=200, description="Files inside an .xlsx.")
    spreadsheet_max_sheets: int = 10
    spreadsheet_max_rows: int = Field(
        default=200,
        description="Rows of records per upload; each row is one validation (see the "
        "validation cost in docs/contributions.md), so this bounds the CPU one upload takes.",
    )
    spreadsheet_max_columns: int = 60
    spreadsheet_max_cell_chars: int = 10_000

    # Per-client rate limit on the public, CPU-heavy dry runs and uploads (api/ratelimit.py).
    rate_limit: str = Field(
        default="30/minute;300/hour",
        description="Requests per client address to the rate-limited paths, in the 'limits' "
        "notation (N/second|minute|hour|day, several separated by ';'); empty turns it off.",
    )
    rate_limited_paths: list[str] = Field(
        default_factory=lambda: ["/validate", "/contributions/spreadsheet", "/contributions/form"],
        description="POSTs to these paths (and below them) count against the rate limit.",
    )
    assets_dir: Path | None = Field(
        default=None,
        description="The node_modules folder holding the web interface's JavaScript packages "
        "(default: web/node_modules beside the source tree, filled by `make assets`).",
    )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store"

    @property
    def snapshots_path(self) -> Path:
        return self.data_dir / "snapshots"

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError("base_iri must end with '/' or '#'")
        if self.backend is Backend.remote and not self.remote_query_url:
            raise ValueError("the remote backend needs UIKG_REMOTE_QUERY_URL")
        shared = {self.remote_query_url, self.remote_update_url} - {None}
        if self.queue_query_url is not None and shared & {
            self.queue_query_url,
            self.queue_update_url or self.queue_query_url,
        }:
            raise ValueError(
                "UIKG_QUEUE_QUERY_URL/UIKG_QUEUE_UPDATE_URL name the published store: pending "
                "records would be visible at /sparql; give the queue its own dataset or server"
            )
        if self.queue_update_url is not None and self.queue_query_url is None:
            raise ValueError("UIKG_QUEUE_UPDATE_URL needs UIKG_QUEUE_QUERY_URL")
        if self.environment == "production" and self.admin_token is not None:
            token = self.admin_token.get_secret_value()
            if len(token) < 24 or token in {"changeme", "secret", "admin"}:
                raise ValueError("UIKG_ADMIN_TOKEN is too weak for production (24+ characters)")
        if self.query_workers < 1 or self.query_workers_max < self.query_workers:
            raise ValueError("need 1 <= query_workers <= query_workers_max")
        if self.rate_limit.strip():
            from limits import parse_many

            try:
                parse_many(self.rate_limit)
            except ValueError as error:
                raise ValueError(f"rate_limit {self.rate_limit!r}: {error}") from None
        return self
