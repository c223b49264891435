-- report_submission — grain: reporter × month expected to report; key (reporter,
-- period_code). Reporters are expected from their `expected_from` month up to the newest
-- month any workbook reported. The report counts as received when its first file was
-- (int_workbook_received: first sight, or the date line of an old report imported late);
-- on_time is null when that cannot be known.
create or replace table main.report_submission as
with horizon as (
    select max(period_code) as last_month from staging.stg_file where kind = 'workbook'
),
expected as (  -- while the reporter's unit exists: a merged commune is not "missing"
    select r.reporter, r.unit_code, d.month_code as period_code, d.deadline
    from main.dim_reporter r
    join intermediate.int_submission_deadline d on d.month_code >= r.expected_from
    join main.dim_period p on p.period_code = d.month_code
    join horizon h on d.month_code <= h.last_month
    where intermediate.is_valid_on(r.valid_from, r.valid_to, p.end_date)
),
files as (
    select f.reporter, f.period_code, count(*) as files,
           count(*) filter (where f.status in ('loaded', 'superseded')) as loaded_files,
           min(r.received_at) as first_received_at,
           min(r.received_day) as received_day,
           arg_min(r.received_rule, coalesce(r.received_at, timestamp '9999-12-31'))
               as received_rule
    from staging.stg_file f
    join intermediate.int_workbook_received r using (file_id)
    group by all
)
select u.unit_key, e.unit_code, e.reporter, e.period_code,
       case when f.loaded_files > 0 then 'loaded'
            when f.files > 0 then 'rejected'
            else 'missing' end as status,
       coalesce(f.files, 0) as files,
       f.first_received_at,
       e.deadline,
       f.received_day <= e.deadline as on_time,
       f.received_rule
from expected e
join main.dim_period p on p.period_code = e.period_code
join main.dim_admin_unit u
  on u.unit_code = e.unit_code and intermediate.is_valid_on(u.valid_from, u.valid_to, p.end_date)
left join files f on f.reporter = e.reporter and f.period_code = e.period_code
order by e.period_code, e.reporter;
