"""Data: the synthetic source, the SQL models, validation and the data report."""
