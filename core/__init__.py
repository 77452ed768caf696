"""Ground floor: models, ids, settings, taxonomy, errors. No I/O beyond reading data files."""
