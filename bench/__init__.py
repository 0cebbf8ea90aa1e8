"""Benchmarks: figures next to a baseline measured in the same run; see docs/performance.md."""
