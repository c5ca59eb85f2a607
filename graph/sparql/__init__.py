"""The SPARQL language, as the service needs it; nothing here runs a query.

``lexer`` tokenizes; ``guard`` checks a query or update against the limits before the engine
sees it (and sniffs a query's form cheaply); ``formats`` names the media types per result kind;
``results`` writes results with the row limit; ``description`` is the SPARQL 1.1 Service
Description.
"""
