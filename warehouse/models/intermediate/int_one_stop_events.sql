-- int_one_stop_events — grain: fact unit × field × day with an event; the day's counts of
-- every kind of event (receipts by channel, closings by outcome and timeliness, dossiers
-- becoming overdue and leaving it), 0 where the day had none of a kind. Keys: (unit_key,
-- field, day); field '' stands for no field. The running totals of int_one_stop_daily add
-- these up. An incremental build counts only the days on or after the first day any
-- partition may change (scope.one_stop_from): the days before it are unchanged.
-- incremental: t.day >= (select s.from_day from scope.one_stop_from s where s.unit_key = t.unit_key and s.field = t.field)
create or replace table intermediate.int_one_stop_events as
with since as (  -- the first day counted: every day in a full build
    select case when (select full_build from scope.run) then date '0001-01-01'
                else coalesce((select min(from_day) from scope.one_stop_from),
                              date '9999-12-31') end as day
),
d as (  -- the dossiers with an event on or after it (receipt, closing, becoming overdue)
    select unit_key, coalesce(field, '') as field, channel, online_eligible, outcome,
           cast(received_at as date) as r, cast(closed_at as date) as c, due_date as u,
           has_fee, paid_online, digitised_receipt, digitised_result
    from main.fact_dossier, since
    where outcome is distinct from 'not_received'
      and (cast(received_at as date) >= since.day or cast(closed_at as date) >= since.day
           or due_date + 1 >= since.day)
),
events as (
    select unit_key, field, r as day,
           count(*) as received,
           count(*) filter (where channel = 'online') as received_online,
           count(*) filter (where channel = 'direct') as received_direct,
           count(*) filter (where channel = 'postal') as received_postal,
           count(*) filter (where online_eligible) as eligible,
           count(*) filter (where online_eligible and channel = 'online') as eligible_online,
           -- Decision 766 inputs, counted only where the export carried them (a dossier
           -- whose flag is null is in neither the numerator nor the denominator)
           count(*) filter (where has_fee and paid_online is not null) as fee_due,
           count(*) filter (where has_fee and paid_online) as fee_paid_online,
           count(*) filter (where digitised_receipt is not null) as receipt_known,
           count(*) filter (where digitised_receipt) as receipt_digitised
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
           count(*) filter (where outcome = 'withdrawn') as withdrawn,
           count(*) filter (where outcome = 'resolved' and digitised_result is not null)
               as result_known,
           count(*) filter (where outcome = 'resolved' and digitised_result)
               as result_digitised
    from d where c is not null group by all
    union all by name
    -- (greatest() skips nulls: a dossier without a due date is never overdue). Only up to
    -- the newest export: whether a dossier open in it was closed on time after it is not
    -- known, so it never becomes "overdue" in periods the data does not reach.
    select unit_key, field, greatest(r, u + 1) as day, count(*) as overdue
    from d, intermediate.int_data_horizon h
    where u is not null and greatest(r, u + 1) < coalesce(c, date '9999-12-31')
      and greatest(r, u + 1) <= h.one_stop_day
    group by all
    union all by name
    select unit_key, field, c as day, -count(*) as overdue
    from d, intermediate.int_data_horizon h
    where u is not null and greatest(r, u + 1) < c and greatest(r, u + 1) <= h.one_stop_day
    group by all
)
select unit_key, field, day, coalesce(sum(columns(* exclude (unit_key, field, day))), 0)
from events
where day >= (select day from since)
group by all;
