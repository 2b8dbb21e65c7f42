"""Reference data: the framework's vocabulary, the data contract and the measures catalogue.

The bottom layer of the package: it imports nothing else of ``nest_eval`` but
:mod:`nest_eval.files`.
"""
