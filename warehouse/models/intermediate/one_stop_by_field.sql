-- one_stop_by_field(windows) — the rows of the official form II.06a: the report_one_stop
-- columns plus field (lĩnh vực), for a list of {period_code, first_day, last_day} windows.
-- Grain: window × unit version valid on the window's last day × scope × field, for the
-- fields that had dossiers in the window (received_total > 0). Summed over the fields, the
-- rows give report_one_stop exactly (dossiers without a field form a row of field null).
create or replace macro intermediate.one_stop_by_field(windows) as table
select u.unit_key, u.unit_code, u.unit_name, f.period_code, f.scope, f.field,
       f.carried_over, f.received_new, f.received_online, f.received_direct,
       f.received_postal, f.carried_over + f.received_new as received_total,
       f.resolved_total, f.resolved_early, f.resolved_on_time, f.resolved_late, f.withdrawn,
       f.pending_total, f.pending_total - f.pending_overdue as pending_within_due,
       f.pending_overdue,
       (f.resolved_early + f.resolved_on_time) / nullif(f.resolved_total, 0) as on_time_rate,
       f.received_online / nullif(f.received_new, 0) as online_rate,
       f.eligible_online / nullif(f.eligible_new, 0) as online_rate_eligible,
       coalesce(f.last_day < (select one_stop_day from intermediate.int_data_horizon), false)
           as complete
from intermediate.one_stop_figures(windows) f
join main.dim_admin_unit u using (unit_key);
