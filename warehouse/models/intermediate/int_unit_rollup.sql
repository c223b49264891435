-- int_unit_rollup — grain: fact unit version × report unit version × scope × era; which
-- report unit each fact's unit counts towards, for report periods ending within
-- [valid_from, valid_to]: itself (`unit`) and itself plus every ancestor (`area`); after a
-- merger its successor takes its place. Walked over the unit tree by the loader
-- (seed.unit_rollup).
create or replace table intermediate.int_unit_rollup as
select fact_unit_key, report_unit_key, scope, valid_from, valid_to
from seed.unit_rollup;
