"""``python -m uikg.api`` is the ``uikg`` command."""

from uikg.api.cli import main

main()
