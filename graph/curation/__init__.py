"""Curation helpers: scripts that regenerate the derived parts of ``graph/data/`` from inputs.

Only descriptive, mechanical records are generated (types, labels, identifiers, coordinates,
bibliographic fields, footnotes). Relations, dates, claims and evidence are curated by hand in
``graph/data/curated/*.trig`` from reading the source texts.
"""
