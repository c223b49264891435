-- dim_ratio — grain: one derived ratio of the catalog; key ratio_code.
create or replace table main.dim_ratio as
select ratio_code, name_vi, name_en, numerator, denominator
from seed.ratio;
