-- period_windows() — every period of dim_period that begins on or before the newest
-- one-stop export's day, as a window {period_code, first_day, last_day} for the one-stop
-- macros: a period the data does not reach has no figures, not zeros. Only the periods an
-- incremental build may change (scope.one_stop_period: all of them in a full build).
create or replace macro intermediate.period_windows() as (
    select list({'period_code': period_code, 'first_day': start_date, 'last_day': end_date})
    from main.dim_period
    where start_date <= (select one_stop_day from intermediate.int_data_horizon)
      and period_code in (select period_code from scope.one_stop_period));
