"""Benchmarks: bench/run (HTTP scenarios) and bench/run --scaling (search at 1k vs 100k)."""
