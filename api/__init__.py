"""The HTTP face of the graph: app factory, routers, negotiation. Domain logic lives in ``graph``."""
