"""The tests' shared Jinja compile cache (devtools/jinja_cache.py): it saves compiling, never
changes what a template renders."""

from jinja2 import Environment
from jinja2.sandbox import SandboxedEnvironment

from devtools.jinja_cache import compile_once

SOURCE = "{{ name }} [[ name ]]{# note #}<# note #>"


def test_an_environment_of_another_syntax_does_not_reuse_the_code():
    # given one environment with Jinja's syntax and one with copier-style square brackets
    curly = compile_once(Environment())
    square = compile_once(
        Environment(
            variable_start_string="[[",
            variable_end_string="]]",
            comment_start_string="<#",
            comment_end_string="#>",
        )
    )

    # when each renders the same source, the second after the first compiled it
    by_curly = curly.from_string(SOURCE).render(name="x")
    by_square = square.from_string(SOURCE).render(name="x")

    # then each renders its own syntax
    assert by_curly == "x [[ name ]]<# note #>"
    assert by_square == "{{ name }} x{# note #}"


def test_a_sandbox_does_not_reuse_the_code_of_an_open_environment():
    open_code = compile_once(Environment()).compile("{{ a + b }}")
    sandboxed_code = compile_once(SandboxedEnvironment()).compile("{{ a + b }}")

    assert open_code is not sandboxed_code


def test_environments_alike_share_the_code_and_render_the_same():
    # given two environments configured alike, as two copier Workers of one template are
    first, second = compile_once(Environment()), compile_once(Environment())

    # when both compile the same source under different file names (two temporary clones)
    code = first.compile(SOURCE, name="a.jinja", filename="/tmp/one/a.jinja")

    # then the second reuses the first's code and renders what a fresh environment renders
    assert second.compile(SOURCE, name="a.jinja", filename="/tmp/two/a.jinja") is code
    fresh = Environment().from_string(SOURCE).render(name="y")
    assert second.from_string(SOURCE).render(name="y") == fresh
