"""The test suite: real DuckDB files, real Prefect flow runs, real GX validations, real
files written by the tests and the demo generator."""
