-- int_indicator_source — grain: reporter × month × indicator, exactly the rows of
-- fact_indicator, each with the staged row of the file that won (file, sheet, row, the
-- figures as printed and the cell of each), so that quality checks name the cells data
-- staff must look at. Key: (reporter, period_code, indicator_code).
-- incremental: exists (select 1 from scope.indicator_month s where s.reporter = t.reporter and s.period_code = t.period_code)
create or replace table intermediate.int_indicator_source as
select f.unit_key, f.reporter, f.period_code, f.indicator_code, i.aggregation,
       f.actual_value, f.plan_value, s.actual_month, s.cumulative, s.printed_rate,
       e.file_id, e.file_name, s.sheet, s.row_number, s.value_cell, s.plan_cell,
       s.cumulative_cell, s.rate_cell
from main.fact_indicator f
join main.dim_indicator i using (indicator_code)
join intermediate.int_workbook_winner w
  on w.is_newest and w.reporter = f.reporter and w.period_code = f.period_code
join staging.stg_file e on e.file_id = w.file_id
join staging.stg_indicator s on s.file_id = e.file_id and s.indicator_code = f.indicator_code;
