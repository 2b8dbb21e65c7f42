"""Disclosure control of a whole publication: one decision for every count, audited.

These reports are about children's mental health: no child may be singled out. Every count of
people, responses or requests that a year's publication shows, in any table, text or figure, is
one cell of one set (:mod:`~nest_eval.reporting.disclosure.cells`, built by
:mod:`~nest_eval.reporting.disclosure.sources`); small counts are suppressed, and further cells
until an interval audit by linear programming shows that no suppressed cell can be narrowed
below the protection level from everything published
(:mod:`~nest_eval.reporting.disclosure.protect`, :mod:`~nest_eval.reporting.disclosure.audit`).
The decision is then written into every table, with the values resting on suppressed counts
(:mod:`~nest_eval.reporting.disclosure.apply`).

References
----------
Office for National Statistics / Government Statistical Service (2014). *Disclosure control
guidance for tables produced from administrative sources*. GSS.

Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012). *Statistical Disclosure Control*. Wiley, chapters 4 and 5.

StatsWales: ``c`` marks a value that is confidential; the GSS spreadsheet guidance writes
``[c]``.
"""
