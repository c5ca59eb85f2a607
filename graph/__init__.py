"""Urban Integration Knowledge Graph: everything that is not HTTP.

Settings, store backends, the build, reasoning, validation, SPARQL execution with its guards,
and the command line. Nothing here imports a web framework.
"""

__version__ = "0.1.0"
