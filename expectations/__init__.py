"""Great Expectations suites, one per source and per fact table (the JSON files here), and
the runner that validates pandas frames against them.

Suites are data: each expectation's `meta.severity` says whether a failure rejects
(`error`) or only flags (`warning`). Values that depend on the run (`$latest_date`, the
catalog's codes) are written as `$names` and filled in by the caller.
"""
