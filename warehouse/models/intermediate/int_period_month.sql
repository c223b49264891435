-- int_period_month — grain: period × month it is made of; key (period_code, month_code).
-- Every period is a run of whole months, so month-grain facts roll up without splitting.
create or replace table intermediate.int_period_month as
select p.period_code, m.period_code as month_code
from main.dim_period p
join main.dim_period m
  on m.period_type = 'month' and m.start_date >= p.start_date and m.end_date <= p.end_date;
