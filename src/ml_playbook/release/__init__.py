"""Launch and rollback: the gate `register` applies to a new model (gate.py), who moves the
`champion` alias afterwards and through which check (moves.py), and a check that a running
service answers like the model it claims to serve (verify.py). Every step works through the
registry protocol, so the same code runs on MLflow and on the in-memory registry of tests."""
