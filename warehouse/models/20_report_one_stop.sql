-- The one-stop figures of the official form II.06a (one-stop-export.md) for any set of date
-- windows, all of them in one pass. With r = received day, c = closing day, u = due day
-- (calendar days, Asia/Ho_Chi_Minh) and R(x) = #{r ≤ x}, C(x) = #{c ≤ x}, a window [S, E]
-- has received_new = R(E) − R(S−1), carried_over = R(S−1) − C(S−1), closings in it
-- C(E) − C(S−1) (split into resolved early / on time / late and withdrawn), pending_total
-- = R(E) − C(E), and pending_overdue = #{r ≤ E < c, u < E} = the dossiers that became
-- overdue and pending (on max(r, u + 1)) by E less those closed by E. So counting needs
-- only the running totals on two days per window (int_one_stop_daily), not a pass over
-- every dossier for every period. Dossiers never received count nowhere.

-- int_one_stop_daily — grain: fact unit × field × day with an event; running totals of
-- receipts and closings up to and including that day. Keys: (unit_key, field, day); field
-- '' stands for no field (an ASOF join matches on equality only).
create or replace table int_one_stop_daily as
with d as (
    select unit_key, coalesce(field, '') as field, channel, online_eligible, outcome,
           cast(received_at as date) as r, cast(closed_at as date) as c, due_date as u
    from fact_dossier
    where outcome is distinct from 'not_received'
),
events as (
    select unit_key, field, r as day,
           count(*) as received,
           count(*) filter (where channel = 'online') as received_online,
           count(*) filter (where channel = 'direct') as received_direct,
           count(*) filter (where channel = 'postal') as received_postal,
           count(*) filter (where online_eligible) as eligible,
           count(*) filter (where online_eligible and channel = 'online') as eligible_online
    from d group by all
    union all by name
    select unit_key, field, c as day,
           count(*) as closed,
           count(*) filter (where outcome = 'resolved') as resolved,
           count(*) filter (where outcome = 'resolved' and c < u) as resolved_early,
           -- A resolved dossier without a due date counts as on time, as the systems do.
           count(*) filter (where outcome = 'resolved' and (c = u or u is null))
               as resolved_on_time,
           count(*) filter (where outcome = 'resolved' and c > u) as resolved_late,
           count(*) filter (where outcome = 'withdrawn') as withdrawn
    from d where c is not null group by all
    union all by name
    -- (greatest() skips nulls: a dossier without a due date is never overdue)
    select unit_key, field, greatest(r, u + 1) as day, count(*) as overdue
    from d where u is not null and greatest(r, u + 1) < coalesce(c, date '9999-12-31')
    group by all
    union all by name
    select unit_key, field, c as day, -count(*) as overdue
    from d where u is not null and greatest(r, u + 1) < c group by all
),
daily as (  -- a count for every kind of event, 0 where the day had none
    select unit_key, field, day, coalesce(sum(columns(* exclude (unit_key, field, day))), 0)
    from events group by all
)
select unit_key, field, day,
       -- `overdue` sums to the dossiers pending and past due at the end of the day
       cast(sum(columns(* exclude (unit_key, field, day))) over running as bigint)
from daily
window running as (partition by unit_key, field order by day
                  rows between unbounded preceding and current row)
order by unit_key, field, day;

-- Windows of dates as the macros below take them: a list of {period_code, first_day,
-- last_day} (not start_date/end_date: a macro's parameters of those names shadow them).
create or replace macro one_window(start_date, end_date) as
    [{'period_code': cast(null as varchar), 'first_day': cast(start_date as date),
      'last_day': cast(end_date as date)}];
create or replace macro period_windows() as (
    select list({'period_code': period_code, 'first_day': start_date, 'last_day': end_date})
    from dim_period);

-- one_stop_figures(windows)
-- Grain: window × report unit (unit_key, rolled up through int_unit_rollup as valid on the
-- window's last day) × scope × field, only where the unit had dossiers in the window
-- (received_total > 0; every other figure is part of it). Counts only, no names or rates.
create or replace macro one_stop_figures(windows) as table
with w as (
    select unnest(windows, recursive := true)
),
bounds as (
    select distinct first_day - 1 as day from w
    union
    select distinct last_day from w
),
fact_keys as (
    select distinct unit_key, field from int_one_stop_daily
),
at_bound as (  -- the running totals on each bound day
    select k.unit_key, k.field, b.day as bound, t.* exclude (unit_key, field, day)
    from fact_keys k cross join bounds b
    asof left join int_one_stop_daily t
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
           coalesce(e.eligible_online, 0) - coalesce(s.eligible_online, 0) as eligible_online
    from w
    join at_bound s on s.bound = w.first_day - 1
    join at_bound e on e.bound = w.last_day and e.unit_key = s.unit_key and e.field = s.field
    where coalesce(e.received, 0) - coalesce(s.closed, 0) > 0
)
select f.period_code, f.first_day, f.last_day, m.report_unit_key as unit_key, m.scope,
       nullif(f.field, '') as field,
       sum(columns(f.* exclude (period_code, first_day, last_day, unit_key, field)))::bigint
from per_fact_unit f
join int_unit_rollup m
  on m.fact_unit_key = f.unit_key and f.last_day between m.valid_from and m.valid_to
group by all;

-- one_stop_report(windows) — grain: window × unit version valid on the window's last day ×
-- scope (every one, zeros included), with the report_one_stop columns.
create or replace macro one_stop_report(windows) as table
with w as (
    select unnest(windows, recursive := true)
),
units as (
    select w.period_code, w.last_day, u.unit_key, u.unit_code, u.unit_name, s.scope
    from w
    join dim_admin_unit u
      on w.last_day between coalesce(u.valid_from, date '1900-01-01')
                        and coalesce(u.valid_to, date '9999-12-31'),
    (values ('unit'), ('area')) s(scope)
),
counted as (
    select period_code, last_day, unit_key, scope,
           sum(columns(* exclude (period_code, first_day, last_day, unit_key, scope,
                                  field)))::bigint
    from one_stop_figures(windows)
    group by all
)
select units.unit_key, units.unit_code, units.unit_name, units.period_code, units.scope,
       coalesce(carried_over, 0) as carried_over,
       coalesce(received_new, 0) as received_new,
       coalesce(received_online, 0) as received_online,
       coalesce(received_direct, 0) as received_direct,
       coalesce(received_postal, 0) as received_postal,
       coalesce(carried_over, 0) + coalesce(received_new, 0) as received_total,
       coalesce(resolved_total, 0) as resolved_total,
       coalesce(resolved_early, 0) as resolved_early,
       coalesce(resolved_on_time, 0) as resolved_on_time,
       coalesce(resolved_late, 0) as resolved_late,
       coalesce(withdrawn, 0) as withdrawn,
       coalesce(pending_total, 0) as pending_total,
       coalesce(pending_total, 0) - coalesce(pending_overdue, 0) as pending_within_due,
       coalesce(pending_overdue, 0) as pending_overdue,
       (resolved_early + resolved_on_time) / nullif(resolved_total, 0) as on_time_rate,
       received_online / nullif(received_new, 0) as online_rate,
       eligible_online / nullif(eligible_new, 0) as online_rate_eligible
from units
left join counted
  on counted.period_code is not distinct from units.period_code
 and counted.last_day = units.last_day
 and counted.unit_key = units.unit_key and counted.scope = units.scope;

-- one_stop_between(start_date, end_date) — the figures for any date range (the form's
-- "từ ngày … đến ngày …"), one row per unit × scope valid on end_date, period_code null.
create or replace macro one_stop_between(start_date, end_date) as table
select * from one_stop_report(one_window(start_date, end_date));

-- report_one_stop — grain: unit × period × scope, for every period in dim_period and every
-- unit version valid on the period's last day. Keys: (unit_key, period_code, scope).
create or replace table report_one_stop as
select * from one_stop_report(period_windows())
order by period_code, unit_code, scope;
