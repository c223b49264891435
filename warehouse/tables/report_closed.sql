-- report_closed — grain: one published figure of a closed period as sent; key (unit_code,
-- period_code, scope, figure). Written by `baocao close` (load/closing.py), never by a
-- model: a rebuild must not change what was sent. figure is an indicator code
-- (report_indicator.actual_value) or a report_one_stop column.
create table if not exists main.report_closed (
    unit_code varchar not null,
    period_code varchar not null,
    scope varchar not null,
    figure varchar not null,
    closed_value double,
    closed_at timestamp not null,
    closed_by varchar not null
);
