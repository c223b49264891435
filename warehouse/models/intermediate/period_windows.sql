-- period_windows() — every period of dim_period as a window {period_code, first_day,
-- last_day} for the one-stop macros.
create or replace macro intermediate.period_windows() as (
    select list({'period_code': period_code, 'first_day': start_date, 'last_day': end_date})
    from main.dim_period);
