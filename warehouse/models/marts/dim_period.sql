-- dim_period — grain: one reporting period of Decree 09 (months cut off on the 14th,
-- quarters, halves, 9 months, years); key period_code.
create or replace table main.dim_period as
select period_code, period_type, year, start_date, end_date
from seed.period;
