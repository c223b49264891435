-- dim_reporter — grain: one reporter expected to send monthly reports; key reporter.
create or replace table main.dim_reporter as
select reporter, unit_code, name_vi, scope, expected_from
from seed.reporter;
