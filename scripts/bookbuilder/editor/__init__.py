"""The editors' own commands around the pipeline: new, import, serve."""
