-- one_stop_figures(windows)
-- Grain: window × report unit (unit_key, rolled up through int_unit_rollup as valid on the
-- window's last day) × scope × field, only where the unit had dossiers in the window
-- (received_total > 0; every other figure is part of it). Counts only, no names or rates.
create or replace macro intermediate.one_stop_figures(windows) as table
with w as (
    select unnest(windows, recursive := true)
),
bounds as (
    select distinct first_day - 1 as day from w
    union
    select distinct last_day from w
),
fact_keys as (
    select distinct unit_key, field from intermediate.int_one_stop_daily
),
at_bound as (  -- the running totals on each bound day
    select k.unit_key, k.field, b.day as bound, t.* exclude (unit_key, field, day)
    from fact_keys k cross join bounds b
    asof left join intermediate.int_one_stop_daily t
        on t.unit_key = k.unit_key and t.field = k.field and t.day <= b.day
),
per_fact_unit as (
    select w.period_code, w.first_day, w.last_day, s.unit_key, s.field,
           coalesce(s.received, 0) - coalesce(s.closed, 0) as carried_over,
           coalesce(e.received, 0) - coalesce(s.received, 0) as received_new,
           coalesce(e.received_online, 0) - coalesce(s.received_online, 0) as received_online,
           coalesce(e.received_direct, 0) - coalesce(s.received_direct, 0) as received_direct,
           coalesce(e.received_postal, 0) - coalesce(s.received_postal, 0) as received_postal,
           coalesce(e.resolved, 0) - coalesce(s.resolved, 0) as resolved_total,
           coalesce(e.resolved_early, 0) - coalesce(s.resolved_early, 0) as resolved_early,
           coalesce(e.resolved_on_time, 0) - coalesce(s.resolved_on_time, 0)
               as resolved_on_time,
           coalesce(e.resolved_late, 0) - coalesce(s.resolved_late, 0) as resolved_late,
           coalesce(e.withdrawn, 0) - coalesce(s.withdrawn, 0) as withdrawn,
           coalesce(e.received, 0) - coalesce(e.closed, 0) as pending_total,
           coalesce(e.overdue, 0) as pending_overdue,
           coalesce(e.eligible, 0) - coalesce(s.eligible, 0) as eligible_new,
           coalesce(e.eligible_online, 0) - coalesce(s.eligible_online, 0) as eligible_online,
           -- the Decision 766 inputs of the window (receipts, resp. resolutions, in it)
           coalesce(e.fee_due, 0) - coalesce(s.fee_due, 0) as fee_due,
           coalesce(e.fee_paid_online, 0) - coalesce(s.fee_paid_online, 0) as fee_paid_online,
           coalesce(e.receipt_known, 0) - coalesce(s.receipt_known, 0) as receipt_known,
           coalesce(e.receipt_digitised, 0) - coalesce(s.receipt_digitised, 0)
               as receipt_digitised,
           coalesce(e.result_known, 0) - coalesce(s.result_known, 0) as result_known,
           coalesce(e.result_digitised, 0) - coalesce(s.result_digitised, 0)
               as result_digitised
    from w
    join at_bound s on s.bound = w.first_day - 1
    join at_bound e on e.bound = w.last_day and e.unit_key = s.unit_key and e.field = s.field
    where coalesce(e.received, 0) - coalesce(s.closed, 0) > 0
)
select f.period_code, f.first_day, f.last_day, m.report_unit_key as unit_key, m.scope,
       nullif(f.field, '') as field,
       sum(columns(f.* exclude (period_code, first_day, last_day, unit_key, field)))::bigint
from per_fact_unit f
join intermediate.int_unit_rollup m
  on m.fact_unit_key = f.unit_key and f.last_day between m.valid_from and m.valid_to
group by all;
