"""What runs a query: time limits that hold, crashes the server survives, results as bytes.

``job`` (one query, text to bytes, on any store) → ``executors`` (``PoolExecutor`` for the
embedded store; ``InlineExecutor`` for a remote store: a thread with a deadline). The pool
(``pool``) sends each job to the ``engine`` (one process, the store in memory, queries in
threads, writes applied as updates) or, while the engine loads and for what it could not
finish, to a ``worker`` process over the on-disk snapshot; messages go over ``wire``. The
bytes come back as a ``stream``; complete short results go into the ``cache`` per generation.
"""
