-- one_stop_between(start_date, end_date) — the one-stop figures for any date range, one
-- row per unit × scope valid on end_date (period_code null). Counting rules of the official
-- form II.06a (one-stop-export.md), with r = received day, c = closing day, u = due day,
-- all calendar days in Asia/Ho_Chi_Minh. Dossiers never received count nowhere.
create or replace macro one_stop_between(start_date, end_date) as table
with d as (
    select unit_key, channel, online_eligible, outcome, due_date as u,
           cast(received_at as date) as r, cast(closed_at as date) as c
    from fact_dossier
    where outcome is distinct from 'not_received'
),
units as (
    select u.unit_key, u.unit_code, u.unit_name, s.scope
    from dim_admin_unit u, (values ('unit'), ('area')) s(scope)
    where cast(end_date as date) between coalesce(u.valid_from, date '1900-01-01')
                                     and coalesce(u.valid_to, date '9999-12-31')
),
counted as (
    select m.report_unit_key as unit_key, m.scope,
        count(*) filter (where d.r < cast(start_date as date)) as carried_over,
        count(*) filter (where d.r >= cast(start_date as date)) as received_new,
        count(*) filter (where d.r >= cast(start_date as date) and d.channel = 'online')
            as received_online,
        count(*) filter (where d.r >= cast(start_date as date) and d.channel = 'direct')
            as received_direct,
        count(*) filter (where d.r >= cast(start_date as date) and d.channel = 'postal')
            as received_postal,
        count(*) filter (where d.outcome = 'resolved' and d.c <= cast(end_date as date))
            as resolved_total,
        count(*) filter (where d.outcome = 'resolved' and d.c <= cast(end_date as date)
                         and d.c < d.u) as resolved_early,
        -- A resolved dossier without a due date counts as on time, as the systems do.
        count(*) filter (where d.outcome = 'resolved' and d.c <= cast(end_date as date)
                         and (d.c = d.u or d.u is null)) as resolved_on_time,
        count(*) filter (where d.outcome = 'resolved' and d.c <= cast(end_date as date)
                         and d.c > d.u) as resolved_late,
        count(*) filter (where d.outcome = 'withdrawn' and d.c <= cast(end_date as date))
            as withdrawn,
        count(*) filter (where d.c is null or d.c > cast(end_date as date)) as pending_total,
        count(*) filter (where (d.c is null or d.c > cast(end_date as date))
                         and (d.u >= cast(end_date as date) or d.u is null))
            as pending_within_due,
        count(*) filter (where (d.c is null or d.c > cast(end_date as date))
                         and d.u < cast(end_date as date)) as pending_overdue,
        count(*) filter (where d.r >= cast(start_date as date) and d.online_eligible)
            as eligible_new,
        count(*) filter (where d.r >= cast(start_date as date) and d.online_eligible
                         and d.channel = 'online') as eligible_online
    from int_unit_rollup m
    join d on d.unit_key = m.fact_unit_key
    where cast(end_date as date) between m.valid_from and m.valid_to
      -- Every figure concerns dossiers received by the end and not closed before the start.
      and d.r <= cast(end_date as date)
      and (d.c is null or d.c >= cast(start_date as date))
    group by all
)
select units.unit_key, units.unit_code, units.unit_name, cast(null as varchar) as period_code,
       units.scope,
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
       coalesce(pending_within_due, 0) as pending_within_due,
       coalesce(pending_overdue, 0) as pending_overdue,
       (resolved_early + resolved_on_time) / nullif(resolved_total, 0) as on_time_rate,
       received_online / nullif(received_new, 0) as online_rate,
       eligible_online / nullif(eligible_new, 0) as online_rate_eligible
from units
left join counted using (unit_key, scope);

-- report_one_stop — grain: unit × period × scope, for every period in dim_period and every
-- unit version valid on the period's last day.
create or replace table report_one_stop as
select c.* replace (p.period_code as period_code)
from dim_period p, lateral (select * from one_stop_between(p.start_date, p.end_date)) c
order by p.period_code, c.unit_code, c.scope;
