"""Contributed records: read with limits, validate, queue, moderate, publish, with history.

``record`` parses and checks the bytes, ``check`` validates against ``shapes/`` with the
closure of referenced published things, ``workflow`` keeps the queue and publishes atomically.
"""

from uikg.graph.contributions.check import Checked, Rules, check_record
from uikg.graph.contributions.record import (
    Record,
    format_for_media_type,
    format_for_path,
    read_record,
)
from uikg.graph.contributions.workflow import (
    Contribution,
    Contributions,
    Status,
    history_of,
)

__all__ = [
    "Checked",
    "Contribution",
    "Contributions",
    "Record",
    "Rules",
    "Status",
    "check_record",
    "format_for_media_type",
    "format_for_path",
    "history_of",
    "read_record",
]
