"""Real server processes for the tests: this service (``uikg serve``), ``oxigraph serve`` and
Virtuoso, and the settings and data that put this service on an engine."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for_queries_on(self, tier: str, timeout: float = 120) -> None:
        """Until ``/health`` says queries run on ``tier`` ("memory" once the copy has loaded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if httpx.get(f"{self.url}/health").json()["queries_run_on"] == tier:
                return
            time.sleep(0.05)
        raise RuntimeError(f"queries did not move to {tier} within {timeout} s; see {self.log}")


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    """Until ``url`` answers; a server that does not come up, or whose wait is cut short
    (SIGTERM, Ctrl-C), is killed rather than left behind."""
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                if httpx.get(url, timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server at {url} did not start:\n{log.read_text()[-3000:]}")
    except BaseException:
        process.kill()
        process.wait()
        raise


def start_uikg(
    data_dir: Path,
    log_dir: Path,
    port: int | None = None,
    ready: str = "/health",
    start_timeout_s: float = 60,
    **settings: str,
) -> Server:
    """``uikg serve`` on a (free) loopback port, with settings as UIKG_* variables; started
    once ``ready`` answers (``/health`` runs a query: a server whose queries cannot finish
    waits on another path)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UIKG_")}
    env.update({f"UIKG_{key.upper()}": str(value) for key, value in settings.items()})
    log = log_dir / f"uikg-{port}.log"  # appended: a restart on the same port keeps the last life's
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uikg.api",
            "serve",
            "--data-dir",
            str(data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    _wait(url + ready, process, log, timeout=start_timeout_s)
    return Server(url, process, log)


def oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph")
    if found:
        return found
    candidate = Path(sys.executable).parent / "oxigraph"
    return str(candidate) if candidate.exists() else None


def start_oxigraph(location: Path, log_dir: Path) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    log = log_dir / f"oxigraph-{port}.log"
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    _wait(f"{url}/query?query=ASK%7B%7D", process, log)
    return Server(url, process, log)


VIRTUOSO_HIDDEN_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
)
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""
# The anonymous SPARQL user may update (and the Graph Store endpoint may write) only with these.
_VIRTUOSO_GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.L_O_LOOK TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARUL_RUN TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_CTOR TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_CTOR TO "SPARQL";'
)


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def start_virtuoso(folder: Path, log_dir: Path) -> Server:
    """Virtuoso open source on loopback, with its own config, and SPARQL writes granted."""
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError(
            "virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = log_dir / f"virtuoso-{http_port}.log"
    process = subprocess.Popen(
        [binary, "-f", "-c", str(ini)], stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=folder
    )
    url = f"http://127.0.0.1:{http_port}"
    _wait(f"{url}/sparql?query=ASK%7B%7D", process, log, timeout=120)
    subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={_VIRTUOSO_GRANTS}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return Server(url, process, log)


def remote_settings(engine: str, server: Server) -> dict[str, str]:
    """The settings (``UIKG_*`` without the prefix) of the remote backend on ``server``."""
    if engine == "oxigraph":
        return {
            "backend": "remote",
            "remote_query_url": f"{server.url}/query",
            "remote_update_url": f"{server.url}/update",
            "remote_store_url": f"{server.url}/store",
        }
    return {
        "backend": "remote",
        "remote_query_url": f"{server.url}/sparql",
        "remote_update_url": f"{server.url}/sparql",
        "remote_store_url": f"{server.url}/sparql-graph-crud",
        "remote_hidden_graphs": json.dumps(list(VIRTUOSO_HIDDEN_GRAPHS)),
        "remote_default_graph_iri": "urn:uikg:default-graph",
    }


def queue_settings(engine: str, server: Server) -> dict[str, str]:
    """The settings of a contribution queue kept on ``server``."""
    endpoint = f"{server.url}/query" if engine == "oxigraph" else f"{server.url}/sparql"
    update = f"{server.url}/update" if engine == "oxigraph" else f"{server.url}/sparql"
    return {"queue_query_url": endpoint, "queue_update_url": update}


def dump_built(built_dir: Path, target: Path) -> Path:
    """Every quad of a built data dir, as N-Quads (``uikg dump``)."""
    subprocess.run(
        [sys.executable, "-m", "uikg.api", "dump", str(target), "--data-dir", str(built_dir)],
        check=True,
        timeout=300,
    )
    return target


def load_remote(dump: Path, settings: dict[str, str], cwd: Path) -> None:
    """Load a dump into the remote store the settings name (``uikg load``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UIKG_")}
    env.update({f"UIKG_{key.upper()}": value for key, value in settings.items()})
    loaded = subprocess.run(
        [sys.executable, "-m", "uikg.api", "load", str(dump)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env=env,
    )
    if loaded.returncode != 0:
        raise RuntimeError(f"uikg load failed: {loaded.stderr[-2000:]}")
