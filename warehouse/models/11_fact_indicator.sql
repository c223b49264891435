-- Workbook resubmissions: the newest file for a reporter and month replaces the earlier
-- ones as a whole (newest by the title block's date line, then by first sight). Both stay
-- in etl_file; the older one is marked superseded.
create or replace temp table int_workbook_winner as
select file_id, reporter, period_code,
       row_number() over (
           partition by reporter, period_code
           order by report_date desc nulls last, first_seen_at desc, file_id desc
       ) = 1 as is_newest
from etl_file
where kind = 'workbook' and status in ('loaded', 'superseded');

update etl_file set status = case when w.is_newest then 'loaded' else 'superseded' end
from int_workbook_winner w
where etl_file.file_id = w.file_id;

-- fact_indicator — grain: reporter × month × indicator.
-- The month's value is the flow for `sum` indicators (or, when only lũy kế is given, its
-- difference from the previous month's lũy kế, restarting at M01) and the lũy kế for `last`
-- indicators. Keys: (reporter, period_code, indicator_code) unique; unit_key not null.
create or replace table fact_indicator as
with rows as (
    select s.*, f.path as source_file, f.first_seen_run as load_id, i.aggregation,
           lag(s.cumulative) over (
               partition by s.reporter, s.indicator_code, left(s.period_code, 4)
               order by s.period_code
           ) as previous_cumulative
    from stg_indicator s
    join etl_file f using (file_id)
    join dim_indicator i using (indicator_code)
    where f.status = 'loaded'
)
select u.unit_key, r.reporter, r.period_code, r.indicator_code,
       case when r.aggregation = 'last' then coalesce(r.cumulative, r.actual_month)
            when r.actual_month is not null then r.actual_month
            when r.period_code like '%-M01' then r.cumulative
            else r.cumulative - r.previous_cumulative
       end as actual_value,
       r.plan_value, r.source_file, r.source_sheet, r.source_cell, r.load_id
from rows r
join dim_period p on p.period_code = r.period_code
join dim_admin_unit u
  on u.unit_code = r.unit_code
 and p.end_date between coalesce(u.valid_from, date '1900-01-01')
                    and coalesce(u.valid_to, date '9999-12-31');
