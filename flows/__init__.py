"""Prefect flows: thin orchestration of extract → validate → load, tasks at batch grain."""
