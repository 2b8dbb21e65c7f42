"""The domains of distance travelled: implementation, outcomes, experiences, access, partnership.

Pure functions (DataFrame in, DataFrame out) on accepted rows, built on
:mod:`nest_eval.stats`; :mod:`nest_eval.domains.year` computes a reporting year once.
"""
