"""One error hierarchy for the whole service.

Each error carries what a client needs to fix its request; ``api`` maps the classes to HTTP
status codes in one handler, and the CLI maps them to exit codes (1: the data is wrong,
2: usage or system error).
"""

from __future__ import annotations

from typing import Any


class UIKGError(Exception):
    """Base class. ``detail`` is a message written for the person who sent the input."""

    exit_code = 2

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        for key, value in extra.items():
            setattr(self, key, value)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (query workers); keep the fields, whatever __init__.
        return (_rebuild, (type(self), self.detail, self.extra))


def _rebuild(cls: type[UIKGError], detail: str, extra: dict[str, Any]) -> UIKGError:
    error = cls.__new__(cls)
    UIKGError.__init__(error, detail, **extra)
    return error


class BadRequest(UIKGError):
    """The request is malformed (missing or repeated parameters, wrong encoding)."""


class QuerySyntaxError(BadRequest):
    """The SPARQL text does not parse; ``line``/``column`` point at the problem when known."""

    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(detail, line=line, column=column)
        self.line = line
        self.column = column


class QueryRejected(BadRequest):
    """The query parses (or may) but is refused by policy: too large, too deep, SERVICE, LOAD."""


class QueryTimeout(UIKGError):
    """The query ran past the time limit and was stopped."""

    @classmethod
    def after(cls, seconds: float) -> QueryTimeout:
        return cls(
            f"the query ran past the time limit of {seconds:g} s and was stopped; add a LIMIT, "
            "or look for patterns that share no variable (each pair multiplies the rows)",
            limit_s=seconds,
        )


class ResultTooLarge(UIKGError):
    """A read the service runs for a page or a view has more rows than its limit allows."""


class EngineCrashed(UIKGError):
    """The query engine died while running this query; the service replaced it."""


class Overloaded(UIKGError):
    """No query worker became free in time."""


class NotAcceptable(UIKGError):
    def __init__(self, detail: str, available: list[str]) -> None:
        super().__init__(detail, available=available)
        self.available = available


class UnsupportedMediaType(UIKGError):
    pass


class PayloadTooLarge(UIKGError):
    pass


class NotFound(UIKGError):
    pass


class RateLimited(UIKGError):
    """The client sent more requests than the rate limit allows; ``retry_after`` in seconds."""


class Conflict(UIKGError):
    """The thing is not in a state that allows this action (accepting a contribution twice)."""


class Unauthorized(UIKGError):
    pass


class Forbidden(UIKGError):
    pass


class RDFSyntaxError(BadRequest):
    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(detail, line=line, column=column)
        self.line = line
        self.column = column


class StoreError(UIKGError):
    """The store failed or could not be reached."""


class StoreLocked(StoreError):
    """The embedded store is held by another process (usually a running server)."""


class DataError(UIKGError):
    """The curated data or a record is wrong (exit code 1)."""

    exit_code = 1


class ValidationFailed(DataError):
    """SHACL validation found violations. ``report`` is a ``graph.validation.ValidationReport``."""

    def __init__(self, detail: str, report: Any) -> None:
        super().__init__(detail)
        self.report = report


class OntologyInconsistent(DataError):
    pass
