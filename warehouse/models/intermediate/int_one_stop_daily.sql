-- The one-stop figures of the official form II.06a (one-stop-export.md) for any set of date
-- windows, all of them in one pass. With r = received day, c = closing day, u = due day
-- (calendar days, Asia/Ho_Chi_Minh) and R(x) = #{r ≤ x}, C(x) = #{c ≤ x}, a window [S, E]
-- has received_new = R(E) − R(S−1), carried_over = R(S−1) − C(S−1), closings in it
-- C(E) − C(S−1) (split into resolved early / on time / late and withdrawn), pending_total
-- = R(E) − C(E), and pending_overdue = #{r ≤ E < c, u < E} = the dossiers that became
-- overdue and pending (on max(r, u + 1)) by E less those closed by E. So counting needs
-- only the running totals on two days per window (int_one_stop_daily), not a pass over
-- every dossier for every period. Dossiers never received count nowhere.
--
-- int_one_stop_daily — grain: fact unit × field × day with an event; running totals of
-- receipts and closings up to and including that day. Keys: (unit_key, field, day); field
-- '' stands for no field (an ASOF join matches on equality only).
-- incremental: t.day >= (select s.from_day from scope.one_stop_from s where s.unit_key = t.unit_key and s.field = t.field)
create or replace table intermediate.int_one_stop_daily as
select unit_key, field, day,
       -- `overdue` sums to the dossiers pending and past due at the end of the day
       cast(sum(columns(* exclude (unit_key, field, day))) over running as bigint)
from intermediate.int_one_stop_events
window running as (partition by unit_key, field order by day
                  rows between unbounded preceding and current row)
order by unit_key, field, day;
