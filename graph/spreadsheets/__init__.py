"""The spreadsheet path for contributors: templates from the shapes, uploads read as hostile
input, every row turned into a record and checked like any other contribution.

``templates`` writes the ``.xlsx`` and ``.csv`` templates, ``reading`` reads an upload within
limits (no formulas, no macros, no zip bombs), ``upload`` turns rows into records, validates
them and queues the valid ones.
"""
