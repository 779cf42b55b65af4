"""The cluster's dataset (cluster.yaml, its format in SCHEMA.md), shipped inside the package so that
an installed bot loads it from any working directory."""
