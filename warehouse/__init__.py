"""SQL models (`models/`) and seed files (`seeds/`) of the DuckDB warehouse."""
