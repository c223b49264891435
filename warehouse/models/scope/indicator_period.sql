-- scope.indicator_period — grain: one period whose indicator report rows the current build
-- may change; key period_code. Every period in a full build; otherwise the periods made of
-- a changed month, and, when the newest month reported moved, those ending between the
-- previous and the new one (their `complete` flag).
create or replace table scope.indicator_period as
select p.period_code
from main.dim_period p, scope.run s, intermediate.int_data_horizon h
left join main.dim_period before on before.period_code = s.previous_indicator_last_month
left join main.dim_period after on after.period_code = h.indicator_last_month
where s.full_build
   or p.period_code in (select pm.period_code from intermediate.int_period_month pm
                        where pm.month_code in (select period_code
                                                from scope.indicator_month))
   or (h.indicator_last_month is distinct from s.previous_indicator_last_month
       and p.end_date > least(coalesce(before.end_date, date '0001-01-01'),
                              coalesce(after.end_date, date '0001-01-01')));
