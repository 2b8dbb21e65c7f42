"""The synthetic demo data: a generator with documented true effects.

Imports :mod:`nest_eval.reference` only.
"""
