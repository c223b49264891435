-- one_stop_by_field_between(start_date, end_date) — the form's rows for any date range
-- ("từ ngày … đến ngày …"), period_code null.
create or replace macro main.one_stop_by_field_between(start_date, end_date) as table
select * from intermediate.one_stop_by_field(intermediate.one_window(start_date, end_date));
