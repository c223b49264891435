-- int_indicator_source — grain: reporter × month × indicator, exactly the rows of
-- fact_indicator, each with the staged row of the file that won (file, sheet, row, the
-- figures as printed and the cell of each), so that quality checks name the cells data
-- staff must look at. Internal: a temp table, never published. Keys: (reporter,
-- period_code, indicator_code).
create or replace temp table int_indicator_source as
select f.unit_key, f.reporter, f.period_code, f.indicator_code, i.aggregation,
       f.actual_value, f.plan_value, s.actual_month, s.cumulative, s.printed_rate,
       e.file_id, regexp_extract(e.path, '[^/\\]+$') as file_name, s.source_sheet as sheet,
       s.row_number, s.source_cell as value_cell, s.plan_cell, s.cumulative_cell, s.rate_cell
from fact_indicator f
join dim_indicator i using (indicator_code)
join etl_file e
  on e.kind = 'workbook' and e.status = 'loaded' and e.reporter = f.reporter
 and e.period_code = f.period_code
join stg_indicator s on s.file_id = e.file_id and s.indicator_code = f.indicator_code;
