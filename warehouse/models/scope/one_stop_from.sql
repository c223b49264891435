-- scope.one_stop_from — grain: fact unit × field (as in int_one_stop_daily, '' for none)
-- whose daily running totals the current build may change, from the first day that may
-- change; key (unit_key, field). A dossier's counted events are its receipt (day r, with
-- channel, eligibility and the Decision 766 flags), its closing (day c, with outcome, due
-- day and digitised result) and its overdue span (greatest(r, u + 1) until c); the first
-- day whose events differ between the state before the build and after it is the earlier
-- of the changed events' days, in the partitions of both states. When the newest export
-- moved on, overdue events up to it may appear in every partition from the day after the
-- previous one.
create or replace table scope.one_stop_from as
with before as (
    select dossier_code, unit_key, coalesce(field, '') as field, channel, online_eligible,
           has_fee, paid_online, digitised_receipt, digitised_result, outcome, due_date as u,
           cast(received_at as date) as r, cast(closed_at as date) as c
    from scope.dossier_before
    where outcome is distinct from 'not_received'
),
after as (
    select dossier_code, unit_key, coalesce(field, '') as field, channel, online_eligible,
           has_fee, paid_online, digitised_receipt, digitised_result, outcome, due_date as u,
           cast(received_at as date) as r, cast(closed_at as date) as c
    from main.fact_dossier
    where dossier_code in (select dossier_code from scope.dossier)
      and outcome is distinct from 'not_received'
),
changed as (
    select b.unit_key as before_unit, b.field as before_field,
           a.unit_key as after_unit, a.field as after_field,
           case when row(b.unit_key, b.field, b.r, b.channel, b.online_eligible, b.has_fee,
                         b.paid_online, b.digitised_receipt)
                     is distinct from
                     row(a.unit_key, a.field, a.r, a.channel, a.online_eligible, a.has_fee,
                         a.paid_online, a.digitised_receipt)
                    then least(b.r, a.r)
                when row(b.c, b.u, b.outcome, b.digitised_result)
                     is distinct from row(a.c, a.u, a.outcome, a.digitised_result)
                    then least(b.c, a.c, greatest(b.r, b.u + 1), greatest(a.r, a.u + 1))
           end as from_day
    from before b
    full join after a using (dossier_code)
),
partitions as (
    select before_unit as unit_key, before_field as field, from_day from changed
    where before_unit is not null and from_day is not null
    union all
    select after_unit, after_field, from_day from changed
    where after_unit is not null and from_day is not null
    union all
    select distinct f.unit_key, coalesce(f.field, ''),
           coalesce(s.previous_one_stop_day, date '0001-01-01') + 1
    from main.fact_dossier f, scope.run s, intermediate.int_data_horizon h
    where h.one_stop_day > coalesce(s.previous_one_stop_day, date '0001-01-01')
)
select unit_key, field, min(from_day) as from_day
from partitions
where not (select full_build from scope.run)  -- a full build rebuilds every partition
group by all;
