"""Benchmark tools: a spinner simulator, word-level metrics and pair/pile builders.

Not part of the installed package; run from the repository root (``python -m bench.make_pairs``).
"""
