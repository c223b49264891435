-- one_window(start_date, end_date) — one window of dates as the one-stop macros take them:
-- a list of {period_code, first_day, last_day} (not start_date/end_date: a macro's
-- parameters of those names shadow them).
create or replace macro intermediate.one_window(start_date, end_date) as
    [{'period_code': cast(null as varchar), 'first_day': cast(start_date as date),
      'last_day': cast(end_date as date)}];
