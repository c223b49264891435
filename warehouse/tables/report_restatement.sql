-- report_restatement — grain: one change of a closed figure by one run; key (unit_code,
-- period_code, scope, figure, run_id). Written by the load sequence (load/closing.py) after
-- the models: current_value is the figure as that run rebuilt it, files the files loaded
-- in that run for the unit (or a unit under it) and a month of the period.
create table if not exists main.report_restatement (
    unit_code varchar not null,
    period_code varchar not null,
    scope varchar not null,
    figure varchar not null,
    closed_value double,
    current_value double,
    closed_at timestamp not null,
    run_id varchar not null,
    files varchar[]
);
