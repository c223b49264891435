-- one_stop_report(windows) — grain: window × unit version valid on the window's last day ×
-- scope (every one, zeros included), with the report_one_stop columns.
create or replace macro intermediate.one_stop_report(windows) as table
with w as (
    select unnest(windows, recursive := true)
),
units as (
    select w.period_code, w.last_day, u.unit_key, u.unit_code, u.unit_name, s.scope
    from w
    join main.dim_admin_unit u
      on intermediate.is_valid_on(u.valid_from, u.valid_to, w.last_day),
    (values ('unit'), ('area')) s(scope)
),
counted as (
    select period_code, last_day, unit_key, scope,
           sum(columns(* exclude (period_code, first_day, last_day, unit_key, scope,
                                  field)))::bigint
    from intermediate.one_stop_figures(windows)
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
       eligible_online / nullif(eligible_new, 0) as online_rate_eligible,
       -- complete: the newest export was taken after the window's last day
       coalesce(units.last_day < (select one_stop_day from intermediate.int_data_horizon),
                false) as complete
from units
left join counted
  on counted.period_code is not distinct from units.period_code
 and counted.last_day = units.last_day
 and counted.unit_key = units.unit_key and counted.scope = units.scope;
