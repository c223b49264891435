-- report_submission — grain: reporter × month expected to report. Reporters are expected
-- from their `expected_from` month up to the newest month any workbook reported.
create or replace table main.report_submission as
with horizon as (
    select max(period_code) as last_month from staging.stg_file where kind = 'workbook'
),
expected as (
    select r.reporter, r.unit_code, d.month_code as period_code, d.deadline
    from main.dim_reporter r
    join intermediate.int_submission_deadline d on d.month_code >= r.expected_from
    join horizon h on d.month_code <= h.last_month
),
files as (
    select reporter, period_code, count(*) as files,
           count(*) filter (where status in ('loaded', 'superseded')) as loaded_files,
           min(file_mtime) as first_received_at
    from staging.stg_file
    where kind = 'workbook' and reporter is not null
    group by all
)
select u.unit_key, e.unit_code, e.reporter, e.period_code,
       case when f.loaded_files > 0 then 'loaded'
            when f.files > 0 then 'rejected'
            else 'missing' end as status,
       coalesce(f.files, 0) as files,
       f.first_received_at,
       e.deadline,
       case when f.first_received_at is null then null
            else cast(f.first_received_at as date) <= e.deadline end as on_time
from expected e
join main.dim_period p on p.period_code = e.period_code
join main.dim_admin_unit u
  on u.unit_code = e.unit_code and intermediate.is_valid_on(u.valid_from, u.valid_to, p.end_date)
left join files f on f.reporter = e.reporter and f.period_code = e.period_code
order by e.period_code, e.reporter;
