-- dim_indicator — grain: one indicator of the catalog; key indicator_code.
create or replace table main.dim_indicator as
select indicator_code, name_vi, name_en, unit_vi, aggregation, domain, has_plan,
       reporter_scope
from seed.indicator;
