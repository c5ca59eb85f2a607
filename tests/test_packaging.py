"""``pip install .`` (not editable) ships the data folders, and the installed command finds them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools builds in ./build and would package a module left there by an older layout
    shutil.rmtree(REPO / "build" / "lib", ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        timeout=600,
    )
    return next(out.glob("uikg-*.whl"))


def test_wheel_carries_the_data_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "shapes", "queries", "data"):
        assert any(n.startswith(f"uikg/resources/{folder}/") for n in names), folder
    assert "uikg/resources/ontology/uikg.ttl" in names
    assert "uikg/api/templates/base.html" in names


def test_wheel_has_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"uikg"}
    assert not any("/curation/" in n for n in names)


def test_every_package_folder_is_in_the_wheel(wheel: Path) -> None:
    """The package list in pyproject.toml is explicit: a new subpackage must be added there."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in [*REPO.glob("graph/**/__init__.py"), *REPO.glob("api/**/__init__.py")]:
        relative = init.relative_to(REPO)
        if "curation" in relative.parts:
            continue
        assert f"uikg/{relative.as_posix()}" in names, relative


def test_installed_command_builds_from_packaged_data(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=600,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from uikg.graph.paths import DataPaths; print(DataPaths.locate().ontology)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(target))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "uikg.api",
            "build",
            "--skip-checks",
            "--data-dir",
            str(tmp_path / "var"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    assert "built" in built.stdout
    # The old top-level names are not installed: a user's own `graph` or `api` cannot collide.
    for name in ("graph", "api"):
        found = subprocess.run(
            [sys.executable, "-c", f"import {name}"], env=env, cwd=tmp_path, capture_output=True
        )
        assert found.returncode != 0, name
