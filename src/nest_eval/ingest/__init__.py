"""Ingest: read what RPBs send, validate every row, quarantine bad rows, account for all.

Imports :mod:`nest_eval.reference` only.
"""
