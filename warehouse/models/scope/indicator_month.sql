-- scope.indicator_month — grain: reporter × month whose fact_indicator rows the current
-- build may change; key (reporter, period_code): the month of every changed workbook (and of
-- figures last taken from one) and the later months of its year, since a month given only
-- as lũy kế is the difference from the month before.
create or replace table scope.indicator_month as
with touched as (
    select reporter, period_code from staging.stg_file
    where kind = 'workbook' and reporter is not null and period_code is not null
      and file_id in (select file_id from scope.changed_file)
    union
    select reporter, period_code from scope.indicator_before
)
select distinct t.reporter, m.period_code
from touched t
join main.dim_period m
  on m.period_type = 'month' and left(m.period_code, 4) = left(t.period_code, 4)
 and m.period_code >= t.period_code;
