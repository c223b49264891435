-- dim_reporter — grain: one reporter expected to send monthly reports; key reporter. The
-- communes of the area come from the unit tree (for the months their unit exists), the
-- departments from the area's configuration (seed.reporter). A reporter is expected from
-- the month its unit begins, and not before the first month any report was received.
create or replace table main.dim_reporter as
with first_month as (
    select min(period_code) as month_code from staging.stg_file where kind = 'workbook'
)
select r.reporter, r.unit_code, r.name_vi, r.scope,
       greatest(f.month_code, m.period_code) as expected_from,
       cast(r.valid_from as date) as valid_from, cast(r.valid_to as date) as valid_to
from seed.reporter r
cross join first_month f
left join main.dim_period m
  on m.period_type = 'month' and cast(r.valid_from as date) between m.start_date and m.end_date;
