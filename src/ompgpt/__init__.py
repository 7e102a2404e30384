"""ompgpt: parallelize serial C/C++ loops with OpenMP, and prove it."""

__version__ = "0.1.0"
