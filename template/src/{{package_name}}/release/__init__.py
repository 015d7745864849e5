"""Launch and rollback: who moves the `champion` alias, through which gate, and a check that
a running service answers like the model it claims to serve."""
