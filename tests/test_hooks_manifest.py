"""The hook manifest, the package, the README and the tests agree on every hook."""

import importlib
import re

import yaml

from devtools.template_clone import TEMPLATE_ROOT

MANIFEST = yaml.safe_load((TEMPLATE_ROOT / ".pre-commit-hooks.yaml").read_text())
HOOK_IDS = [hook["id"] for hook in MANIFEST]


def module_name(hook_id: str) -> str:
    return hook_id.replace("-", "_")


def test_every_hook_is_a_python_module_with_main():
    for hook in MANIFEST:
        module = importlib.import_module(f"ml_playbook.hooks.{module_name(hook['id'])}")

        assert hook["language"] == "python"
        assert hook["entry"] == hook["id"]
        assert callable(module.main)


def test_every_hook_has_a_console_script():
    pyproject = (TEMPLATE_ROOT / "pyproject.toml").read_text()

    for hook_id in HOOK_IDS:
        assert f'{hook_id} = "ml_playbook.hooks.{module_name(hook_id)}:main"' in pyproject


def test_the_readme_lists_exactly_the_manifest_hooks():
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    section = readme.split("\n## Convention hooks\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z-]+)` \|", section, re.M)

    assert listed == HOOK_IDS


def test_every_hook_has_a_test_file():
    for hook_id in HOOK_IDS:
        assert (TEMPLATE_ROOT / "tests/hooks" / f"test_{module_name(hook_id)}.py").is_file()


def test_the_generated_config_uses_every_hook():
    config = (TEMPLATE_ROOT / "template/.pre-commit-config.yaml.jinja").read_text()

    for hook_id in HOOK_IDS:
        assert f"- id: {hook_id}\n" in config
