"""Benchmarks of triage on public data sets (read from the shared data folder, never copied)."""
