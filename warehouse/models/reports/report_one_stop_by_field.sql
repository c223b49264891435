-- report_one_stop_by_field — grain: unit × period × scope × field, for every period in
-- dim_period. Keys: (unit_key, period_code, scope, field); field may be null.
create or replace table main.report_one_stop_by_field as
select * from intermediate.one_stop_by_field(intermediate.period_windows())
order by period_code, unit_code, scope, field;
