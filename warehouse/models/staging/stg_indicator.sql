-- staging.stg_indicator — grain: one indicator row of one report workbook; key (file_id,
-- indicator_code). Renames and casts raw.indicator_row, nothing else.
create or replace view staging.stg_indicator as
select file_id, reporter, unit_code, period_code, indicator_code, actual_month, cumulative,
       plan_value, printed_rate, source_sheet as sheet, source_cell as value_cell,
       row_number, plan_cell, cumulative_cell, rate_cell
from raw.indicator_row;
