"""What the library knows of a model, whatever the team built: the columns it reads
(`inputs`), the categories it was trained on (`categories`), and the metrics of each task
(`metrics`). Pure functions of tables and models; no params, no files."""
