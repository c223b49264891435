-- int_service_index_component — grain: component of the Decision 766 service index; key
-- component. Maxima and full-points thresholds, each with its source.
create or replace table intermediate.int_service_index_component as
select component, name_vi, name_en, maximum, full_at, source
from seed.service_index;
