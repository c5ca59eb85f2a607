"""Urban Integration Knowledge Graph: everything that is not HTTP (``uikg.graph``).

Nothing here imports a web framework. The map, from the bottom up:

- ``settings``, ``errors``, ``namespaces``, ``terms``, ``paths``: configuration, the one error
  hierarchy, shared constants, where the data folders are.
- ``store/``: one ``Store`` interface, two backends (pyoxigraph on disk; any SPARQL 1.1 Protocol
  + Graph Store Protocol server). Depends on nothing below but settings, errors and terms.
- ``sparql/``: the SPARQL language: lexer, guard (limits, SERVICE, LOAD), media types, result
  writers with the row limit, the service description.
- ``runner/``: what runs a query: the job, the pool, its in-memory engine and on-disk workers,
  the wire between them, the executors (pool, or a thread for a remote store), result streams
  and the result cache.
- ``service``: ``GraphService``, the one door the HTTP layer reads and writes through; its
  ``reader`` runs the queries of pages and views through the runner. ``reader`` is the
  protocol those functions accept.
- Views built from reads: ``describe`` (a thing with its evidence), ``rest`` (collections),
  ``search``, ``dataset`` (VoID, DCAT, dumps), ``vocabulary`` (ontology and shapes docs),
  ``forms`` (contribution forms from the shapes), ``queries`` (the named-query catalogue).
- Linked from the world: ``reconcile/`` (the Reconciliation Service API over the reader),
  ``version`` (the store's version for HTTP validators, seen by every process), ``feed`` (the
  LDES change feed of every graph's versions), ``citation`` (title, version, licences, policy).
- Building and checking: ``build``, ``reasoning`` (HermiT, materialised inferences),
  ``validation`` (pySHACL), ``rdf_input``, ``contributions/`` (the contribution lifecycle),
  ``auth``, ``backup``.
- ``cli``, ``cli_validate``: the command line (``uikg serve`` is added by ``uikg.api.cli``).
- ``curation/``: developer tools that generated the reference records; not installed.
"""

__version__ = "0.1.0"
