"""The package name refuses every name that would break the generated project: a module or a
command of a distribution in its starting lock (derived by devtools.reserved_names, which must
run again when the lock changes), a command the project runs, one of its folders."""

import importlib.metadata
import re
import tomllib

import pytest
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from devtools import reserved_names
from devtools.answers import asked
from devtools.project_lock import LOCK_TEMPLATE
from devtools.template_clone import TEMPLATE_ROOT

REGENERATE = (
    "run `uv run python -m devtools.reserved_names` and commit includes/reserved-names.jinja"
)
COMMAND = "is a command the generated project runs"

# name -> what the refusal names: each one accepted before, and broken the project.
BROKEN = {
    "dbt": "dbt-core",  # `import dbt` found the project, not dbt-core
    "git": COMMAND,  # GitPython ran the project's command as `git version`: a hang
    "python": COMMAND,  # uv refuses a script of that name
    "python3": COMMAND,
    "pythonw": COMMAND,
    "pip": COMMAND,
    "uv": COMMAND,
    "uvx": COMMAND,
    "ruff": "ruff",
    "yaml": "pyyaml",
    "ml_playbook": "ml-playbook",
    "check_pii": "ml-playbook",  # a hook's command, `check-pii`
    "joblib": "joblib",
    "pydantic": "pydantic",
    "jinja2": "jinja2",
    "pyarrow": "pyarrow",
    "scipy": "scipy",
    "sklearn": "scikit-learn",
    "pil": "pillow",  # `PIL`, on a file system that ignores case
    "sqlfluff": "sqlfluff",
    "dvc": "dvc",
    "mlflow": "mlflow",
    "f2py": "numpy",  # a command only
    "normalizer": "charset-normalizer",  # a command only
    "pre_commit": "pre-commit",
    "win32api": "pywin32",  # on sys.path through pywin32's .pth file, on Windows
}


@pytest.mark.parametrize(("name", "named"), BROKEN.items(), ids=list(BROKEN))
def test_a_name_that_breaks_the_project_is_refused_saying_why(template_folder, name, named):
    reason = COMMAND if named == COMMAND else f"shadows a dependency .*\\b{re.escape(named)}\\b"

    with pytest.raises(ValueError, match=f"The package name '{name}' {reason}") as refused:
        asked(template_folder, {"package_name": name})

    assert "\n" not in str(refused.value).strip()


@pytest.mark.parametrize("name", ["churn_model", "my_model", "demand_forecast", "dbt_model"])
def test_an_ordinary_name_is_accepted(template_folder, name):
    assert asked(template_folder, {"package_name": name})["package_name"] == name


def test_the_names_were_derived_from_the_current_lock():
    # Deriving installs ~250 distributions (seconds from uv's cache, a minute without it), so
    # this compares what the names were derived from with what the lock holds now.
    derived_from = reserved_names.recorded(reserved_names.RESERVED_NAMES.read_text())
    lock = reserved_names.pinned(reserved_names.locked(LOCK_TEMPLATE.read_text()))

    changed = f"now {sorted(lock - derived_from)}, gone {sorted(derived_from - lock)}"
    assert derived_from == lock, f"the starting lock changed ({changed}): {REGENERATE}"


def test_the_names_are_what_the_installed_distributions_install():
    # The ~175 distributions of the lock this environment has at the locked version give, read
    # here, the names the generated list holds for them: it is derived, not edited by hand.
    lock = reserved_names.pinned(reserved_names.locked(LOCK_TEMPLATE.read_text()))
    listed = _dependency_names()
    checked = 0
    for distribution in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", distribution.metadata["Name"]).lower()
        if f"{name}=={distribution.version}" in lock and name != reserved_names.HOOK_PACKAGE:
            assert reserved_names.names_of(distribution) == listed.get(name, set()), REGENERATE
            checked += 1

    assert checked > 100


def test_the_hook_package_names_are_this_repository_s():
    # ml-playbook is installed from this repository (editable here), so its names are checked
    # against its pyproject.toml: a new hook's command must be refused too.
    pyproject = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())
    scripts = {name.replace("-", "_") for name in pyproject["project"]["scripts"]}

    assert scripts | {"ml_playbook"} == _dependency_names()["ml-playbook"], REGENERATE


LOCK = """{%- from 'includes/release.jinja' import template_ref with context -%}
version = 1
requires-python = ">=3.11"

[[package]]
name = "scipy"
version = "1.17.1"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.12'"]
sdist = { url = "https://example.invalid/scipy-1.17.1.tar.gz" }

[[package]]
name = "scipy"
version = "1.18.1"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.14' and sys_platform == 'win32'",
    "python_full_version >= '3.12' and python_full_version < '3.14'",
]

[[package]]
name = "jsfetch"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://example.invalid/jsfetch-1.0-py3-none-any.whl" }]

[[package]]
name = "pywin32"
version = "312"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://example.invalid/pywin32-312-cp311-cp311-win_amd64.whl" }]

[[package]]
name = "ml-playbook"
version = "1.0.0"
source = { git = "{{ template_repo_url }}?rev={{ template_ref() }}#{{ _copier_conf.vcs_ref_hash }}" }

[[package]]
name = "{{ project_slug }}"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "jsfetch", marker = "python_full_version >= '3.12' and sys_platform == 'emscripten'" },
    { name = "pywin32", marker = "sys_platform == 'win32'" },
    { name = "scipy", version = "1.17.1", marker = "python_full_version < '3.12'" },
]
"""


def test_each_distribution_is_installed_for_the_python_and_platform_it_is_locked_for():
    entries = reserved_names.locked(LOCK)
    where = {
        f"{e['name']}=={e['version']}": (e["python"], reserved_names._platform(e)) for e in entries
    }

    assert where == {
        "scipy==1.17.1": ("3.11", "linux"),
        "scipy==1.18.1": ("3.12", "linux"),  # the lowest of its resolution markers
        "jsfetch==1.0": ("3.12", "linux"),  # only what requires it says so
        "pywin32==312": ("3.11", "windows"),  # only Windows wheels
        "ml-playbook==1.0.0": ("3.11", "linux"),  # the project itself is left out
    }
    assert [reserved_names.requirement(e) for e in entries][-1] == (
        f"ml-playbook @ {TEMPLATE_ROOT.as_uri()}"  # this repository, not the lock's git URL
    )


def test_names_are_read_from_what_a_distribution_installs(tmp_path):
    record = [
        "Pkg/__init__.py",  # a package, lower-cased
        "Pkg/sub/mod.py",
        "six.py",  # a module
        "_speedups.cpython-311-x86_64-linux-gnu.so",  # private: no package name is like it
        "pkg.libs/libz.so",  # not importable
        "notes.txt",
        "share/doc/readme.md",  # data beside the packages of a --target folder
        "bin/Pre-Commit",  # a command, read as pre_commit
        "../../bin/tool.exe",  # a command, in a virtual environment's layout
        "extra.pth",
        "inner/win32api.pyd",  # importable through extra.pth
        "x-1.0.dist-info/METADATA",
    ]
    for name in record:
        (tmp_path / name.replace("../", "")).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name.replace("../", "")).write_text("")
    (tmp_path / "extra.pth").write_text("# a comment\ninner\nimport os\n")
    info = tmp_path / "x-1.0.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nVersion: 1.0\n")
    (info / "RECORD").write_text("".join(f"{name},,\n" for name in record))
    (info / "entry_points.txt").write_text("[console_scripts]\nServe-Model = pkg:main\n")

    names = reserved_names.names_of(importlib.metadata.PathDistribution(info))

    assert names == {"pkg", "six", "pre_commit", "tool", "inner", "win32api", "serve_model"}


def test_bad_input_gets_one_line(capsys):
    with pytest.raises(SystemExit) as stopped:
        reserved_names.main(["--no-such-option"])

    assert stopped.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_lock_that_is_not_toml_gets_one_line():
    with pytest.raises(SystemExit, match="is not a uv lock") as stopped:
        reserved_names.locked("header\n[[package]\nname =")

    assert "\n" not in str(stopped.value.code)


def _dependency_names() -> dict[str, set[str]]:
    environment = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATE_ROOT))
    module = environment.get_template("includes/reserved-names.jinja").module
    return {name: set(words.split()) for name, words in module.dependency_names.items()}
