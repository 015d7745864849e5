"""Jinja code compiled once per process and reused by every copier Worker of the tests.

Copier makes a new Jinja Environment for each copy, update and check, and compiles every
template file, path and answer of it afresh: half of a render's time (0.45 of 0.9 s). The code
Jinja generates depends on the template's source and on the environment's syntax and
extensions, not on the Environment object it is later bound to, so one compiled code object
serves every Worker whose environment is configured alike — every release of this template in
a test session. Only the tests use this: a user's copier compiles as it always does, and the
end-to-end tests run copier in its own process, uncached.
"""

from functools import cached_property

from copier._main import Worker
from jinja2 import Environment

_COMPILED: dict[tuple, object] = {}


def _configuration(environment: Environment) -> tuple:
    """What the generated code depends on besides the source: the environment's class (a
    sandbox intercepts operators in the code), syntax, whitespace rules and extensions."""
    return (
        type(environment),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        # a function deciding per template is baked into the code: the same function, the same code
        environment.autoescape
        if isinstance(environment.autoescape, bool)
        else id(environment.autoescape),
        environment.finalize is not None,
        tuple(sorted(environment.extensions)),
    )


def compile_once(environment: Environment) -> Environment:
    """`environment`, its `compile` answering from the shared cache. The file name is left out
    of the key: it differs between temporary clones and only names the file in a traceback."""
    configuration = _configuration(environment)
    compile_afresh = environment.compile

    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        key = (configuration, source, name, raw, defer_init)
        if key not in _COMPILED:
            _COMPILED[key] = compile_afresh(source, name, filename, raw, defer_init)
        return _COMPILED[key]

    environment.compile = compile
    return environment


def share_compiled_templates() -> None:
    """Every copier Worker made in this process from now on compiles through the cache."""
    if getattr(Worker.jinja_env, "compiles_once", False):
        return
    make_environment = Worker.jinja_env.func

    def jinja_env(worker: Worker):
        return compile_once(make_environment(worker))

    cached = cached_property(jinja_env)
    cached.__set_name__(Worker, "jinja_env")
    cached.compiles_once = True
    Worker.jinja_env = cached
