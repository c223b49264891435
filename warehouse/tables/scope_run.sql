-- scope.run — grain: one row, the current (or last) build of the models. Written by
-- load/incremental.py before the models; the scope models read it. full_build: every model
-- rebuilt from all rows; otherwise only the rows of scope.*. The previous build's horizons
-- tell which periods a newer export or month reaches.
create table if not exists scope.run (
    run_id varchar,
    full_build boolean not null,
    fingerprint varchar not null,        -- models, seeds, area and library versions built with
    previous_one_stop_day date,          -- int_data_horizon before this build
    previous_indicator_last_month varchar
);
