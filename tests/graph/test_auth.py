"""Tokens, roles and their configuration (graph/auth.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from uikg.graph.auth import AuthConfigError, Role, TokenRegistry, hash_token, parse_tokens
from uikg.graph.settings import Settings

STRONG = "s" * 30


def test_roles_are_ordered() -> None:
    assert Role.admin.allows(Role.curator) and Role.admin.allows(Role.contributor)
    assert Role.curator.allows(Role.contributor) and not Role.curator.allows(Role.admin)
    assert not Role.contributor.allows(Role.curator)


def test_tokens_from_settings_and_admin_token(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        admin_token="a" * 30,
        tokens="alice:contributor:alice-secret, bob:curator:bob-secret",
    )
    registry = TokenRegistry.from_settings(settings)
    assert registry.authenticate("alice-secret").role is Role.contributor
    assert registry.authenticate("bob-secret").name == "bob"
    assert registry.authenticate("a" * 30).role is Role.admin
    assert registry.authenticate("alice-secret ") is None
    assert registry.authenticate("") is None


def test_hashed_tokens_file(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"carol-token").hexdigest()
    path = tmp_path / "tokens"
    path.write_text(f"# curators\ncarol curator sha256:{digest}\n\n", encoding="utf-8")
    registry = TokenRegistry.from_settings(Settings(data_dir=tmp_path, tokens_file=path))
    principal = registry.authenticate("carol-token")
    assert principal is not None and principal.role is Role.curator
    assert "carol-token" not in path.read_text()


@pytest.mark.parametrize(
    "line",
    [
        "carol curator deadbeef",
        "carol boss sha256:" + "0" * 64,
        "carol curator sha256:xyz",
        "Carol Smith curator sha256:00",
    ],
)
def test_bad_tokens_file_lines_name_the_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "tokens"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match=r"tokens:1"):
        TokenRegistry.from_settings(Settings(data_dir=tmp_path, tokens_file=path))


def test_production_refuses_weak_tokens(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match="too weak"):
        TokenRegistry.from_settings(
            Settings(data_dir=tmp_path, environment="production", tokens="a:curator:changeme")
        )
    registry = TokenRegistry.from_settings(
        Settings(data_dir=tmp_path, environment="production", tokens=f"a:curator:{STRONG}")
    )
    assert registry.enabled


def test_no_tokens_means_no_writers(tmp_path: Path) -> None:
    registry = TokenRegistry.from_settings(Settings(data_dir=tmp_path))
    assert not registry.enabled
    assert registry.authenticate("anything") is None


def test_duplicate_tokens_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match="same"):
        TokenRegistry.from_settings(
            Settings(data_dir=tmp_path, tokens="a:curator:x,b:contributor:x")
        )


def test_every_entry_is_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Constant time: the comparison runs against every entry, wherever the match is."""
    import uikg.graph.auth as auth

    calls = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    registry = TokenRegistry(parse_tokens("a:curator:one,b:curator:two,c:curator:three"))
    registry.authenticate("one")
    assert len(calls) == 3
    calls.clear()
    registry.authenticate("nothing")
    assert len(calls) == 3
    assert hash_token("x") == hashlib.sha256(b"x").digest()
