"""The UIKG benchmark: a synthetic graph of this domain, three query mixes, four targets.

Run it with ``make bench`` (``python -m bench``); ``python -m bench --quick`` for a short run.
Not shipped in the wheel.
"""

import signal


def end_on_sigterm() -> None:
    """SIGTERM ends the run as Ctrl-C does, through every ``finally``: the servers a run started
    are stopped, not left orphaned (Python's default for SIGTERM is to die on the spot)."""

    def _end(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _end)
