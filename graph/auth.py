"""Who may do what: bearer tokens with roles, from settings or a file of hashed tokens.

Roles are ordered: ``contributor`` < ``curator`` < ``admin``; a role can do everything the
roles below it can. Reads are public and need no token.

Tokens come from three places, all optional:

- ``UIKG_ADMIN_TOKEN``: one token with the ``admin`` role (the operator's, as before);
- ``UIKG_TOKENS``: ``name:role:token`` entries separated by commas or new lines, e.g.
  ``alice:contributor:…,bob:curator:…`` (plain tokens, for development and small setups);
- ``UIKG_TOKENS_FILE``: a file with one ``name role sha256:HEX`` line per token, where HEX is
  the SHA-256 of the token (``printf %s "$TOKEN" | sha256sum``); ``#`` starts a comment.
  The server never sees the plain tokens of this file.

Tokens are random strings with plenty of entropy, so a plain SHA-256 (no salt, no slow KDF)
is enough to keep a stolen file useless. The presented token is hashed and compared with
*every* entry in constant time, so timing says nothing about which entry came close.

>>> registry = TokenRegistry([Entry("alice", Role.contributor, hash_token("t" * 32))])
>>> registry.authenticate("t" * 32)
Principal(name='alice', role=<Role.contributor: 'contributor'>)
>>> registry.authenticate("wrong") is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from uikg.graph.errors import UIKGError
from uikg.graph.settings import Settings

MIN_PRODUCTION_TOKEN = 24
_WEAK = {"changeme", "secret", "admin", "password", "token", "test"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class Role(StrEnum):
    contributor = "contributor"
    curator = "curator"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANK = {Role.contributor: 1, Role.curator: 2, Role.admin: 3}


class AuthConfigError(UIKGError):
    """The token configuration is unusable (bad line, weak token in production)."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``name`` is stable and appears in provenance (never the token)."""

    name: str
    role: Role

    def agent_iri(self, base_iri: str) -> str:
        return f"{base_iri}id/contributor/{self.name}"


@dataclass(frozen=True)
class Entry:
    name: str
    role: Role
    digest: bytes  # SHA-256 of the token


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _role(value: str, where: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise AuthConfigError(
            f"{where}: unknown role {value!r}; use contributor, curator or admin"
        ) from None


def _name(value: str, where: str) -> str:
    name = value.strip().lower()
    if not _NAME.fullmatch(name):
        raise AuthConfigError(
            f"{where}: the name {value!r} must be lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def _check_strength(token: str, where: str, production: bool) -> None:
    if not token:
        raise AuthConfigError(f"{where}: empty token")
    if production and (len(token) < MIN_PRODUCTION_TOKEN or token.lower() in _WEAK):
        raise AuthConfigError(
            f"{where}: the token is too weak for production ({MIN_PRODUCTION_TOKEN}+ characters)"
        )


def parse_tokens(spec: str, *, production: bool = False) -> list[Entry]:
    """``name:role:token`` entries, separated by commas or new lines.

    >>> [(e.name, e.role.value) for e in parse_tokens("a:curator:xyz, b:contributor:uvw")]
    [('a', 'curator'), ('b', 'contributor')]
    """
    entries = []
    for number, item in enumerate(re.split(r"[,\n]", spec), start=1):
        if not item.strip():
            continue
        parts = item.strip().split(":", 2)
        where = f"UIKG_TOKENS entry {number}"
        if len(parts) != 3:
            raise AuthConfigError(f"{where}: expected name:role:token")
        name, role, token = parts
        _check_strength(token, where, production)
        entries.append(Entry(_name(name, where), _role(role, where), hash_token(token)))
    return entries


def parse_tokens_file(path: Path) -> list[Entry]:
    """Lines ``name role sha256:HEX``; blank lines and ``#`` comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AuthConfigError(f"cannot read UIKG_TOKENS_FILE {path}: {error}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{path}:{number}"
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("sha256:"):
            raise AuthConfigError(f"{where}: expected 'name role sha256:HEX'")
        hexdigest = parts[2][len("sha256:") :]
        if not re.fullmatch(r"[0-9a-fA-F]{64}", hexdigest):
            raise AuthConfigError(f"{where}: the digest must be 64 hexadecimal digits")
        entries.append(
            Entry(_name(parts[0], where), _role(parts[1], where), bytes.fromhex(hexdigest))
        )
    return entries


class TokenRegistry:
    """Every configured token, checked together in constant time."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = list(entries)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenRegistry:
        production = settings.environment == "production"
        entries: list[Entry] = []
        if settings.admin_token is not None:
            token = settings.admin_token.get_secret_value()
            _check_strength(token, "UIKG_ADMIN_TOKEN", production)
            entries.append(Entry("admin", Role.admin, hash_token(token)))
        if settings.tokens is not None:
            entries += parse_tokens(settings.tokens.get_secret_value(), production=production)
        if settings.tokens_file is not None:
            entries += parse_tokens_file(settings.tokens_file)
        digests = [entry.digest for entry in entries]
        if len(set(digests)) != len(digests):
            raise AuthConfigError("two configured tokens are the same; give each caller its own")
        return cls(entries)

    @property
    def enabled(self) -> bool:
        return bool(self.entries)

    def authenticate(self, token: str) -> Principal | None:
        digest = hash_token(token)
        found: Entry | None = None
        for entry in self.entries:  # no early exit: every entry costs the same
            if hmac.compare_digest(digest, entry.digest):
                found = entry
        return Principal(found.name, found.role) if found else None
