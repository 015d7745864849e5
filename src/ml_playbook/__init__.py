"""ml-playbook: the versioned library every generated project runs on.

It holds the machinery a team should not have to own — the convention checks published as
pre-commit hooks (`hooks/`), data governance (`governance/`: personal data, provenance records),
and, behind the `project` extra, the registry, the SQL engines, evaluation, serving, release,
monitoring and readiness. A project pins one release of it (template and library share a
version) and holds only what the team writes: its params, SQL, features, model and stages.

The hooks and governance modules import only the standard library at start-up: a hook run over
thousands of files must take well under a second.
"""
