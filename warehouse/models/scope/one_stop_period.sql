-- scope.one_stop_period — grain: one period whose one-stop report rows the current build
-- may change; key period_code. Every period in a full build; otherwise those ending on or
-- after the first changed day of any unit (a window reads the running totals on the day
-- before it and on its last day), and, when the newest export moved on, those ending on or
-- after the previous export's day (their `complete` flag, and periods it now reaches).
create or replace table scope.one_stop_period as
select p.period_code
from main.dim_period p, scope.run s, intermediate.int_data_horizon h
where s.full_build
   or p.end_date >= (select min(from_day) from scope.one_stop_from)
   or (h.one_stop_day is distinct from s.previous_one_stop_day
       and p.end_date >= coalesce(s.previous_one_stop_day, date '0001-01-01'));
