-- report_one_stop — grain: unit × period × scope, for every period of dim_period that
-- begins on or before the newest export's day and every unit version valid on the period's
-- last day; `complete` is false for a period the newest export does not cover to its end.
-- Keys: (unit_key, period_code, scope).
-- incremental: t.period_code in (select period_code from scope.one_stop_period)
create or replace table main.report_one_stop as
select r.*, p.period_type
from intermediate.one_stop_report(intermediate.period_windows()) r
join main.dim_period p using (period_code)
order by period_code, unit_code, scope;
