-- report_indicator — grain: unit × period × scope × indicator, rows with a value.
-- Roll-ups (periods.md): per reporter, a `sum` indicator adds its months and a `last`
-- indicator takes its latest month with a value; plans roll over months as `last`. Then
-- units add up along int_unit_rollup. The achievement rate is recomputed, never read.
create or replace table main.report_indicator as
with per_reporter as (
    select p.period_code, p.end_date, f.unit_key, f.reporter, f.indicator_code, i.aggregation,
           sum(f.actual_value) as sum_value,
           arg_max(f.actual_value, f.period_code) filter (where f.actual_value is not null)
               as last_value,
           arg_max(f.plan_value, f.period_code) filter (where f.plan_value is not null)
               as plan_value
    from main.fact_indicator f
    join intermediate.int_period_month pm on pm.month_code = f.period_code
    join main.dim_period p on p.period_code = pm.period_code
    join main.dim_indicator i using (indicator_code)
    group by all
),
rolled as (
    select m.report_unit_key as unit_key, r.period_code, m.scope, r.indicator_code,
           sum(case when r.aggregation = 'sum' then r.sum_value else r.last_value end)
               as actual_value,
           sum(r.plan_value) as plan_value
    from per_reporter r
    join intermediate.int_unit_rollup m
      on m.fact_unit_key = r.unit_key and r.end_date between m.valid_from and m.valid_to
    group by all
)
select u.unit_key, u.unit_code, u.unit_name, r.period_code, r.scope, r.indicator_code,
       i.name_vi, i.unit_vi, r.actual_value, r.plan_value,
       case when i.has_plan then r.actual_value / nullif(r.plan_value, 0) end
           as achievement_rate
from rolled r
join main.dim_admin_unit u using (unit_key)
join main.dim_indicator i using (indicator_code)
where r.actual_value is not null or r.plan_value is not null
order by r.period_code, u.unit_code, r.scope, r.indicator_code;
