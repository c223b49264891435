-- report_indicator — grain: unit × period × scope × indicator, rows with a value.
-- Roll-ups (periods.md): per lineage — a commune and, after the 2025 reform, the commune its
-- predecessors merged into (int_unit_rollup, scope `unit`); a department on its own — a
-- `sum` indicator adds its months and a `last` indicator takes the lineage's latest month
-- with a value (summed over the lineage's units in that month: a merged commune's stock is
-- never added to its successor's); plans roll over months as `last`. Then lineages add up
-- along int_unit_rollup. The achievement rate is recomputed, never read.
-- incremental: t.period_code in (select period_code from scope.indicator_period)
create or replace table main.report_indicator as
with facts as (
    select p.period_code, p.end_date, f.indicator_code, i.aggregation,
           f.period_code as month_code, f.actual_value, f.plan_value,
           l.report_unit_key as lineage_key,
           case when r.scope = 'commune' then '' else f.reporter end as lineage_role
    from main.fact_indicator f
    join intermediate.int_period_month pm on pm.month_code = f.period_code
    join main.dim_period p on p.period_code = pm.period_code
    join main.dim_indicator i using (indicator_code)
    left join main.dim_reporter r on r.reporter = f.reporter
    join intermediate.int_unit_rollup l
      on l.fact_unit_key = f.unit_key and l.scope = 'unit'
     and p.end_date between l.valid_from and l.valid_to
    -- the periods an incremental build may change (all of them in a full build)
    where p.period_code in (select period_code from scope.indicator_period)
),
latest as (
    select period_code, lineage_key, lineage_role, indicator_code,
           max(month_code) filter (where actual_value is not null) as value_month,
           max(month_code) filter (where plan_value is not null) as plan_month
    from facts group by all
),
per_lineage as (
    select f.period_code, f.end_date, f.lineage_key, f.indicator_code, f.aggregation,
           sum(f.actual_value) as sum_value,
           sum(f.actual_value) filter (where f.month_code = l.value_month) as last_value,
           sum(f.plan_value) filter (where f.month_code = l.plan_month) as plan_value
    from facts f
    join latest l using (period_code, lineage_key, lineage_role, indicator_code)
    group by f.period_code, f.end_date, f.lineage_key, f.lineage_role, f.indicator_code,
             f.aggregation
),
rolled as (
    select m.report_unit_key as unit_key, r.period_code, m.scope, r.indicator_code,
           sum(case when r.aggregation = 'sum' then r.sum_value else r.last_value end)
               as actual_value,
           sum(r.plan_value) as plan_value
    from per_lineage r
    join intermediate.int_unit_rollup m
      on m.fact_unit_key = r.lineage_key and r.end_date between m.valid_from and m.valid_to
    group by all
)
select u.unit_key, u.unit_code, u.unit_name, r.period_code, r.scope, r.indicator_code,
       i.name_vi, i.unit_vi, r.actual_value, r.plan_value,
       case when i.has_plan then r.actual_value / nullif(r.plan_value, 0) end
           as achievement_rate,
       -- complete: the newest month reported reaches the period's last month
       coalesce(p.end_date <= m.end_date, false) as complete, p.period_type
from rolled r
join main.dim_admin_unit u using (unit_key)
join main.dim_indicator i using (indicator_code)
join main.dim_period p on p.period_code = r.period_code
left join main.dim_period m
  on m.period_code = (select indicator_last_month from intermediate.int_data_horizon)
where r.actual_value is not null or r.plan_value is not null
order by r.period_code, u.unit_code, r.scope, r.indicator_code;
