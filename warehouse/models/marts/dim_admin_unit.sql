-- dim_admin_unit — grain: one version of an administrative unit; key unit_key. The unit
-- tree as the loader took it from vietnamadminunits (seed.admin_unit).
create or replace table main.dim_admin_unit as
select unit_key, unit_code, unit_name, unit_type, level, parent_code, valid_from, valid_to,
       successor_code
from seed.admin_unit;
