"""Scripts that measure the template and print figures: `uv run python -m benchmarks.<name>`."""
