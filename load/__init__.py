"""The only layer that writes: the raw-file archive and the DuckDB warehouse."""
