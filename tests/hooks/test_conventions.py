"""The facts hooks and generated projects share (ml_playbook.conventions) agree with the places
that state them for users: copier.yml's dialect question and the generated sql/ layers."""

from devtools.copier_questions import load_copier_config
from devtools.template_clone import TEMPLATE_ROOT
from ml_playbook.conventions import SQL_DIALECTS, SQL_LAYER_PREFIXES, SQL_MODEL_LAYERS


def test_copier_offers_exactly_the_dialects_projects_accept():
    choices = load_copier_config()["sql_dialect"]["choices"]

    assert sorted(choices.values()) == sorted(SQL_DIALECTS)


def test_the_generated_sql_folder_has_every_layer_and_nothing_else():
    folders = {path.name for path in (TEMPLATE_ROOT / "template/sql").iterdir() if path.is_dir()}

    assert folders == set(SQL_LAYER_PREFIXES)


def test_model_layers_are_layers_in_run_order():
    assert list(SQL_MODEL_LAYERS) == [
        layer for layer in SQL_LAYER_PREFIXES if layer in SQL_MODEL_LAYERS
    ]
