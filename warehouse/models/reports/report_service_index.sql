-- report_service_index — grain: unit × period × scope, the rows of report_one_stop. Keys:
-- (unit_key, period_code, scope). The components of the Decision 766/QĐ-TTg service
-- index that the dossiers allow, each as a rate (null when its denominator is 0) and as
-- points: min(rate / full_at, 1) × maximum, with maximum and full_at per component from
-- the seed service_index.csv (int_service_index_component).
--   progress = (resolved_early + resolved_on_time + withdrawn + pending_within_due)
--              / received_total                         (full points at 100 %)
--   online   = received_online / received_new           (full points at ≥ 50 %)
create or replace table main.report_service_index as
with component as (
    select max(maximum) filter (where component = 'progress') as progress_max,
           max(full_at) filter (where component = 'progress') as progress_full_at,
           max(maximum) filter (where component = 'online_share') as online_max,
           max(full_at) filter (where component = 'online_share') as online_full_at
    from intermediate.int_service_index_component
),
rates as (
    select unit_key, unit_code, unit_name, period_code, scope, received_total, received_new,
           complete, period_type,
           (resolved_early + resolved_on_time + withdrawn + pending_within_due)
               / nullif(received_total, 0) as progress_rate,
           received_online / nullif(received_new, 0) as online_rate
    from main.report_one_stop
)
select r.unit_key, r.unit_code, r.unit_name, r.period_code, r.scope,
       r.received_total, r.received_new,
       r.progress_rate,
       -- (not least(): it skips nulls, and a unit without dossiers has no points)
       case when r.progress_rate >= c.progress_full_at then 1
            else r.progress_rate / c.progress_full_at end * c.progress_max as progress_points,
       c.progress_max as progress_max_points,
       r.online_rate,
       case when r.online_rate >= c.online_full_at then 1
            else r.online_rate / c.online_full_at end * c.online_max as online_points,
       c.online_max as online_max_points,
       r.complete, r.period_type
from rates r, component c
order by r.period_code, r.unit_code, r.scope;
