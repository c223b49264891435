-- report_one_stop — grain: unit × period × scope, for every period in dim_period and every
-- unit version valid on the period's last day. Keys: (unit_key, period_code, scope).
create or replace table main.report_one_stop as
select * from intermediate.one_stop_report(intermediate.period_windows())
order by period_code, unit_code, scope;
