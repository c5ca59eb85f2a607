"""``python -m uikg.graph``: the ``uikg`` command without ``serve`` (which lives in ``uikg.api``)."""

from uikg.graph.cli import main

main()
