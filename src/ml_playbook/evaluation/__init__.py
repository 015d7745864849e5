"""Judging models: the test sets every model is scored on (`sets`) and their slices and gates
(`slices`), comparisons with confidence intervals (`compare`), mistakes (`mistakes`),
attributions (`attributions`), hand-made examples (`example_input`, `examples`), predictions
(`predictions`, `analysis`), the run history (`history`), which model a command means
(`references`), tuning (`tuning`), feature costs (`feature_costs`), the evaluation stage's
figures (`figures`) and the HTML reports of the `eval` commands (`reports`)."""
