"""Evaluation and analysis: test sets, slices, mistakes, attributions, comparisons, history."""
