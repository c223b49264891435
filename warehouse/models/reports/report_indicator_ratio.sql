-- report_indicator_ratio — grain: unit × period × scope × derived ratio of the catalog.
-- Numerator and denominator each roll up by their own kind (above), then divide.
-- incremental: t.period_code in (select period_code from scope.indicator_period)
create or replace table main.report_indicator_ratio as
select n.unit_key, n.unit_code, n.unit_name, n.period_code, n.scope, r.ratio_code, r.name_vi,
       n.actual_value as numerator, d.actual_value as denominator,
       n.actual_value / nullif(d.actual_value, 0) as rate, n.complete, n.period_type
from main.dim_ratio r
join main.report_indicator n on n.indicator_code = r.numerator
join main.report_indicator d
  on d.indicator_code = r.denominator and d.unit_key = n.unit_key
 and d.period_code = n.period_code and d.scope = n.scope
order by n.period_code, n.unit_code, n.scope, r.ratio_code;
