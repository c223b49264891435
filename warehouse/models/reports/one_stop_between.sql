-- one_stop_between(start_date, end_date) — the figures for any date range (the form's
-- "từ ngày … đến ngày …"), one row per unit × scope valid on end_date, period_code null.
create or replace macro main.one_stop_between(start_date, end_date) as table
select * from intermediate.one_stop_report(intermediate.one_window(start_date, end_date));
