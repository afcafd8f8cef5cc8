"""Benchmark suite (issue #10) and the shared corpus loaders.

Run from the repository root, e.g. ``python -m bench.run --help``. Nothing here
is imported by the bot or the retrieval library.
"""
