"""Google's ML Test Score (Breck et al., 2017), computed from evidence in the repository.

`rubric` lists the 28 tests; `evidence` finds what proves each one (tests marked with
`@pytest.mark.readiness("<item>")` that CI runs, gates and rules in the code and config, and
dated manual write-ups); `score` turns evidence into points, section sums and the final
score (the lowest section sum); `report` writes it for people and machines.
"""
