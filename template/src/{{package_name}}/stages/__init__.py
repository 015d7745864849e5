"""The pipeline's stages, in order: one module each, with a `run(project)` that reads its
inputs, calls the library or the team's code, and writes its outputs atomically (nothing is
replaced unless every check passed). dvc.yaml runs each as a command (`<package> data split`);
`<package> run-pipeline` runs them all in one process.
"""

from ml_playbook.stage import Stage

from . import evaluate, generate, register, screen, split, synthesize, train, validate

STAGES = (
    Stage("synthesize", synthesize.run, group="data"),
    Stage("generate", generate.run, group="data"),
    Stage("validate", validate.run, group="data"),
    Stage("split", split.run, group="data"),
    Stage("screen", screen.run, group="data"),
    Stage("train", train.run),
    Stage("evaluate", evaluate.run),
    Stage("register", register.run),
)
