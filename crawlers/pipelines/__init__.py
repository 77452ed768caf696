"""Item pipelines, one class per file: provenance -> validation -> hand-off to ingest."""
