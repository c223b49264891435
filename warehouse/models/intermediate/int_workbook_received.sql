-- int_workbook_received — grain: one report workbook with a reporter and month; key
-- file_id. When it counts as received for timeliness, and by which rule (received_rule):
--   'first_seen': when this data folder first saw it; a file first seen before the office
--                 opens (setting office_opens_at) counts for the day before, since the
--                 nightly run sees at night what arrived during the day;
--   'date_line':  an old report imported late — first seen more than late_import_days
--                 after its deadline, or in a run started with --import-history — is judged
--                 by its own date line, when that is earlier than first sight;
--   'unknown':    such a report without a usable date line: received, but not judged.
-- A file's modification time never counts: copies and downloads change it.
create or replace table intermediate.int_workbook_received as
with settings as (
    select cast(max(value) filter (where setting = 'late_import_days') as integer)
               as late_days,
           cast(max(value) filter (where setting = 'office_opens_at') as interval) as opens
    from seed.setting
),
files as (
    select f.file_id, f.reporter, f.period_code, f.first_seen_at, f.report_date, d.deadline,
           cast(f.first_seen_at - s.opens as date) as seen_day,
           coalesce(f.bulk_import, false)
               or cast(f.first_seen_at - s.opens as date) > d.deadline + s.late_days
               as late_import
    from staging.stg_file f
    join intermediate.int_submission_deadline d on d.month_code = f.period_code
    cross join settings s
    where f.kind = 'workbook' and f.reporter is not null
)
select file_id, reporter, period_code,
       case when not late_import then first_seen_at
            when report_date <= seen_day then cast(report_date as timestamp)
       end as received_at,
       case when not late_import then seen_day
            when report_date <= seen_day then report_date
       end as received_day,
       case when not late_import then 'first_seen'
            when report_date <= seen_day then 'date_line'
            else 'unknown'
       end as received_rule
from files;
