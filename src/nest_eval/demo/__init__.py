"""The synthetic demo data: a generator with documented true effects.

The public entry point is :mod:`nest_eval.demo.generator`; the model parameters are in
``data/model.toml``, read by :mod:`nest_eval.demo.model`. Imports :mod:`nest_eval.reference` only.
"""
