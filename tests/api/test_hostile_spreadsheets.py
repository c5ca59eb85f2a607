"""Hostile spreadsheets and heavy clients against a real ``uikg serve`` process.

Like ``test_hostile.py``: each case uploads one crafted file and checks that the answer is a 4xx
whose message names the limit or the problem, that the server is alive and healthy afterwards,
and that nothing was queued. The crafted files start from the server's own template (openpyxl
for cell content; ``zipfile`` where the attack is in the container: a bomb, a macro part, a
DTD, a million rows). The byte limits are raised for this server so that the row and expansion
limits, not the body size, are what answer.

The rate limit is checked with clients on two loopback addresses (127.0.0.2 and 127.0.0.3):
one over the limit gets 429 with ``Retry-After`` while the other is still served.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openpyxl
import pytest

from tests.conftest import ADMIN_TOKEN, serve_built
from tests.support.servers import Server

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALICE = "alice-token-sheets-0123456789ab"
BOB = "bob-token-sheets-0123456789abcd"
MIB = 1_048_576
RATE = 40  # requests per minute per client on this server


@dataclass
class World:
    server: Server
    client: httpx.Client
    template: bytes


@pytest.fixture(scope="module")
def world(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = serve_built(
        built_dir,
        tmp_path_factory,
        "hostile-sheets",
        admin_token=ADMIN_TOKEN,
        tokens=f"alice:contributor:{ALICE},bob:curator:{BOB}",
        max_body_bytes=str(8 * MIB),
        spreadsheet_max_bytes=str(6 * MIB),
        spreadsheet_max_unzipped_bytes=str(100 * MIB),
        spreadsheet_max_zip_ratio="100",
        spreadsheet_max_rows="500",
        rate_limit=f"{RATE}/minute",
    )
    with httpx.Client(base_url=server.url, timeout=120) as client:
        template = client.get("/contribute/templates/document.xlsx")
        assert template.status_code == 200, template.text
        yield World(server, client, template.content)
    server.stop()


def rebuilt(template: bytes, replace: dict[str, bytes] | None = None, extra=None) -> bytes:
    """The template's zip with parts replaced or added (``extra`` writes parts by streaming)."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in {k: v for k, v in replace.items() if k not in source.namelist()}.items():
            target.writestr(name, data)
        if extra:
            extra(target)
    return out.getvalue()


def zeros(name: str, size: int):
    def write(target: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            block = b"\0" * MIB
            for _ in range(size // MIB):
                part.write(block)

    return write


def million_rows(template: bytes) -> bytes:
    cells = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>'
        for i in range(1, 1_000_001)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'
    )
    return rebuilt(template, {"xl/worksheets/sheet1.xml": sheet.encode()})


def with_formula(template: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet["A3"] = "Formula strategy"
    sheet["K3"] = '=TEXT(NOW(),"yyyy")'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_sheets(count: int) -> bytes:
    book = openpyxl.Workbook()
    for index in range(count - 1):
        book.create_sheet(f"s{index}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_dtd(template: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    sheet = source.read("xl/worksheets/sheet1.xml")
    crafted = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n' + sheet
    )
    return rebuilt(template, {"xl/worksheets/sheet1.xml": crafted})


def macro_content_type(template: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    types = source.read("[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    return rebuilt(template, {"[Content_Types].xml": types})


@dataclass
class Case:
    id: str
    body: object  # bytes, or a function of the template
    status: int
    says: str
    limit: str | None = None
    content_type: str = XLSX
    upload: bool = False  # to the contributor's upload instead of the public dry run


CASES = [
    Case(
        "zip-bomb",
        lambda t: rebuilt(t, extra=zeros("xl/media/bomb.bin", 200 * MIB)),
        413,
        r"declares \d+ bytes when unzipped; the limit is",
        "UIKG_SPREADSHEET_MAX_UNZIPPED_BYTES",
    ),
    Case(
        "zip-ratio",
        lambda t: rebuilt(t, extra=zeros("xl/media/bomb.bin", 40 * MIB)),
        413,
        r"ratio",
        "UIKG_SPREADSHEET_MAX_ZIP_RATIO",
    ),
    Case("a-million-rows", million_rows, 413, r"more than 500 rows", "UIKG_SPREADSHEET_MAX_ROWS"),
    Case("formula", with_formula, 400, r"row 3, column K holds a formula .*never evaluated"),
    Case("formula-upload", with_formula, 400, r"formula", upload=True),
    Case(
        "macro-vba-project",
        lambda t: rebuilt(t, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}),
        415,
        r"macro-enabled .*vbaProject\.bin",
    ),
    Case(
        "macro-vba-upload",
        lambda t: rebuilt(t, {"xl/vbaProject.bin": b"x"}),
        415,
        "macro",
        upload=True,
    ),
    Case("macro-content-type", macro_content_type, 415, r"macro-enabled content type"),
    Case(
        "excel4-macro-sheet",
        lambda t: rebuilt(t, {"xl/macrosheets/sheet1.xml": b"<x/>"}),
        415,
        "macro",
    ),
    Case("dtd-in-a-part", with_dtd, 400, r"DTD or an entity"),
    Case(
        "too-many-sheets",
        lambda t: many_sheets(12),
        413,
        r"12 sheets",
        "UIKG_SPREADSHEET_MAX_SHEETS",
    ),
    Case("not-a-zip", b"PK\x03\x04 not really a zip", 400, r"not an \.xlsx"),
    Case(
        "too-many-bytes",
        b"a,b\n" * (7 * MIB // 4),
        413,
        r"limit is 6291456 bytes",
        "UIKG_SPREADSHEET_MAX_BYTES",
        "text/csv",
    ),
    Case(
        "csv-not-utf8",
        "Nazwa;Miejsce\nŁódź;x\n".encode("cp1250"),
        400,
        r"not UTF-8",
        content_type="text/csv",
    ),
    Case(
        "csv-too-many-columns",
        (",".join(["x"] * 200) + "\n").encode(),
        413,
        r"200 columns",
        "UIKG_SPREADSHEET_MAX_COLUMNS",
        "text/csv",
    ),
    Case(
        "csv-huge-cell",
        ("x" * 20_000 + "\n").encode(),
        413,
        r"20000 characters",
        "UIKG_SPREADSHEET_MAX_CELL_CHARS",
        "text/csv",
    ),
    Case(
        "xlsm-media-type",
        b"PK",
        415,
        r"send application/vnd",
        content_type="application/vnd.ms-excel.sheet.macroEnabled.12",
    ),
]


def queue_size(world: World) -> int:
    reply = world.client.get("/contributions", headers={"Authorization": f"Bearer {BOB}"})
    assert reply.status_code == 200, reply.text
    return len(reply.json()["contributions"])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_spreadsheet(world: World, case: Case) -> None:
    before = queue_size(world)
    body = case.body(world.template) if callable(case.body) else case.body
    path = "/contributions/spreadsheet/document" + ("" if case.upload else "/check")
    headers = {"Content-Type": case.content_type}
    if case.upload:
        headers["Authorization"] = f"Bearer {ALICE}"
    reply = world.client.post(path, content=body, headers=headers)
    problem = reply.json()
    assert reply.status_code == case.status, reply.text[:500]
    assert re.search(case.says, problem["detail"]), problem["detail"]
    if case.limit:
        assert problem["limit"] == case.limit
    assert world.server.alive(), world.server.log.read_text()[-3000:]
    assert world.client.get("/health").status_code == 200
    assert queue_size(world) == before


def test_the_template_itself_passes(world: World) -> None:
    """The limits leave room for the real thing: the empty template is read, no records."""
    reply = world.client.post(
        "/contributions/spreadsheet/document/check",
        content=world.template,
        headers={"Content-Type": XLSX},
    )
    assert reply.status_code == 400 and "no records" in reply.json()["detail"]


def client_from(world: World, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=world.server.url, transport=transport, timeout=60)


def test_a_client_over_the_rate_limit_gets_429_while_another_is_served(world: World) -> None:
    with client_from(world, "127.0.0.2") as greedy, client_from(world, "127.0.0.3") as other:
        empty = {"Content-Type": "text/turtle"}
        answers = [greedy.post("/validate", content=b"", headers=empty) for _ in range(RATE)]
        assert {a.status_code for a in answers} == {400}  # served (an empty record is a 400)
        refused = greedy.post("/validate", content=b"", headers=empty)
        assert refused.status_code == 429, refused.text
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert f"{RATE} per 1 minute" in refused.json()["detail"]
        sheet = greedy.post(
            "/contributions/spreadsheet/document/check",
            content=world.template,
            headers={"Content-Type": XLSX},
        )
        assert sheet.status_code == 429  # one count per client, across the limited paths
        assert greedy.get("/contribute/fields").status_code == 200  # reads are not limited
        served = other.post("/validate", content=b"", headers=empty)
        assert served.status_code == 400 and "empty" in served.json()["detail"]
