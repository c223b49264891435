-- scope.indicator_before — grain: reporter × month; what fact_indicator took from a file
-- the current build reads again (a backfill), so that figures a re-read no longer gives are
-- rebuilt too. Written by load/incremental.py; empty in a full build.
create table if not exists scope.indicator_before (
    reporter varchar not null,
    period_code varchar not null
);
