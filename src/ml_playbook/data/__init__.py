"""The feature table's contract from params.yaml (`schema`), the example files held to it
(`contract`), and the data report of a validated table (`report`)."""
