"""Synthetic registries and ad corpora with ground truth, for demo, tests and benchmarks."""
