-- int_submission_deadline — grain: month; key month_code. A monthly report is due the
-- N-th working day after the month's 14th cut-off (N: setting
-- submission_deadline_working_days), on the civil-service calendar the one-stop due dates
-- use (seed.working_day: weekends, public holidays and the yearly swaps skipped).
create or replace table intermediate.int_submission_deadline as
with workday as (
    select day, row_number() over (order by day) as n from seed.working_day
),
first_after as (
    select m.period_code, min(w.n) as n
    from main.dim_period m
    join workday w on w.day > m.end_date
    where m.period_type = 'month'
    group by all
)
select f.period_code as month_code, w.day as deadline
from first_after f
join workday w
  on w.n = f.n - 1 + (select cast(value as integer) from seed.setting
                      where setting = 'submission_deadline_working_days');
