"""One router per concern, each thin: it reads the request, calls the graph service (or a
``uikg.graph`` function with the service's reader) and negotiates the answer.

``sparql`` (protocol, service description, the query lane), ``graph_store``, ``linked_data``
(303s, descriptions, search), ``rest`` (collections, named queries), ``dataset`` (VoID, dumps,
ontology, shapes), ``contributions``, ``reconcile`` (the Reconciliation Service API), ``feed``
(the LDES change feed), ``web`` (pages for people), ``health``.
"""
