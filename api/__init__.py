"""The HTTP face of the graph (``uikg.api``); domain logic lives in ``uikg.graph``.

``app.create_app(settings)`` builds the app; ``deps`` gives routers the graph service, settings
and the caller; ``negotiation`` is the one content-negotiation function; ``errors`` maps the
error hierarchy to problem details in one place; ``middleware`` holds the body limit and HEAD,
``httpcache`` the validators and 304s, ``crossorigin`` CORS for public reads; ``streams`` answers with a query's result; ``pages`` and ``templates/`` render HTML;
``routers/`` has one router per concern; ``cli`` adds ``uikg serve`` to the graph's commands.
"""
