"""Benchmarks (`make bench`): not tests. They measure; they do not assert."""
