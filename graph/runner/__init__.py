"""What runs a query: time limits that hold, crashes that cost one query, results as bytes.

``job`` (one query, text to bytes, on any store) → ``executors`` (``PoolExecutor`` for the
embedded store: ``pool`` of ``worker`` processes, forked by a ``zygote`` over an in-memory copy,
talking over ``wire``; ``InlineExecutor`` for a remote store: a thread with a deadline) →
``stream`` (the bytes as they arrive) and ``cache`` (complete short results per generation).
"""
