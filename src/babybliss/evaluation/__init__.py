"""Measures and their reports: metrics, readability, evaluation of a run's epochs, the report, comparisons across runs."""
