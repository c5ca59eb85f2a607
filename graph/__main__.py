"""``python -m graph`` is the ``uikg`` command."""

from graph.cli import main

main()
