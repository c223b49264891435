-- int_workbook_winner — grain: one loadable workbook file; key file_id. Resubmissions: the
-- newest file for a reporter and month replaces the earlier ones as a whole (newest by the
-- title block's date line, then by first sight). The loader marks the others superseded in
-- etl_file; models read is_newest.
create or replace table intermediate.int_workbook_winner as
select file_id, reporter, period_code,
       row_number() over (
           partition by reporter, period_code
           order by report_date desc nulls last, first_seen_at desc, file_id desc
       ) = 1 as is_newest
from staging.stg_file
where kind = 'workbook' and status in ('loaded', 'superseded');
