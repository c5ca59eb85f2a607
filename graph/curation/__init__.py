"""Curation helpers: scripts that regenerate the derived parts of ``graph/data/`` from inputs.

Only descriptive, mechanical records are generated (types, labels, identifiers, coordinates,
bibliographic fields, footnotes, and the evidence unit of each footnote's own text). Relations,
dates, claims, quotes and curators' readings are curated by hand in ``graph/data/curated/`` from
reading the source texts; ``evidence.py`` prints the selector of a new quote.
"""
