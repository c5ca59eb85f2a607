"""The UIKG benchmark: a synthetic graph of this domain, three query mixes, four targets.

Run it with ``make bench`` (``python -m bench``); ``python -m bench --quick`` for a short run.
Not shipped in the wheel.
"""
