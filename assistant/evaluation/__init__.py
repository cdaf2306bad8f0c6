"""Evaluation: the Q/A set, the metrics, the tutorial baseline, and the report."""
