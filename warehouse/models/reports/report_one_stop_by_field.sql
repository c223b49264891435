-- report_one_stop_by_field — grain: unit × period × scope × field, for the periods of
-- report_one_stop. Keys: (unit_key, period_code, scope, field); field may be null.
-- incremental: t.period_code in (select period_code from scope.one_stop_period)
create or replace table main.report_one_stop_by_field as
select r.*, p.period_type
from intermediate.one_stop_by_field(intermediate.period_windows()) r
join main.dim_period p using (period_code)
order by period_code, unit_code, scope, field;
