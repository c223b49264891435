-- fact_indicator — grain: reporter × month × indicator, from the winning workbook of each
-- reporter and month. The month's value is the flow for `sum` indicators (or, when only
-- lũy kế is given, its difference from the previous month's lũy kế, restarting at M01) and
-- the lũy kế for `last` indicators. Keys: (reporter, period_code, indicator_code) unique;
-- unit_key not null.
-- incremental: exists (select 1 from scope.indicator_month s where s.reporter = t.reporter and s.period_code = t.period_code)
create or replace table main.fact_indicator as
with rows as (
    select s.*, f.path as source_file, f.first_seen_run as load_id, i.aggregation,
           lag(s.cumulative) over (
               partition by s.reporter, s.indicator_code, left(s.period_code, 4)
               order by s.period_code
           ) as previous_cumulative
    from staging.stg_indicator s
    join intermediate.int_workbook_winner w on w.file_id = s.file_id and w.is_newest
    join staging.stg_file f on f.file_id = s.file_id
    join main.dim_indicator i using (indicator_code)
)
select u.unit_key, r.reporter, r.period_code, r.indicator_code,
       case when r.aggregation = 'last' then coalesce(r.cumulative, r.actual_month)
            when r.actual_month is not null then r.actual_month
            when r.period_code like '%-M01' then r.cumulative
            else r.cumulative - r.previous_cumulative
       end as actual_value,
       r.plan_value, r.source_file, r.sheet as source_sheet, r.value_cell as source_cell,
       r.load_id
from rows r
join main.dim_period p on p.period_code = r.period_code
join main.dim_admin_unit u
  on u.unit_code = r.unit_code and intermediate.is_valid_on(u.valid_from, u.valid_to, p.end_date);
