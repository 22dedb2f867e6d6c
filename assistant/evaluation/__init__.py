"""The evaluation harness: gold sets, metrics and reports."""
