"""A test run ended by SIGTERM (``kill``, a CI timeout) stops the servers its fixtures started."""

from __future__ import annotations

import signal


def stop_on_sigterm() -> None:
    """SIGTERM interrupts the run as Ctrl-C does, so pytest tears the session's fixtures down
    (their servers, the browser). Python's default is to die on the spot, leaving the servers
    serving, orphaned; ``SystemExit`` would fail only the running test, and the run go on."""

    def _interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"ended by signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
