-- dim_admin_unit — grain: one version of an administrative unit; key unit_key. The unit
-- tree of the area in both generations (before and after 2025-07-01), as the loader took it
-- from vietnamadminunits (seed.admin_unit); in_area: the unit's figures are all in this
-- data folder's files, so the warehouse reports on it.
create or replace table main.dim_admin_unit as
select unit_key, unit_code, unit_name, unit_type, level, parent_code, valid_from, valid_to,
       successor_code, in_area
from seed.admin_unit;
