"""ml-playbook's convention checks: one module per pre-commit hook, each with `main(argv) -> int`.

The generated projects depend on this package (pinned to the template version), so the
pipeline and the hooks share one implementation. Modules import only the standard library
at start-up: a hook run over thousands of files must take well under a second.
"""
