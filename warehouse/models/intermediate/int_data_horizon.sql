-- int_data_horizon — grain: one row; how far the data reaches, so that reports never
-- pretend. one_stop_as_of: the newest one-stop export's time (dossier states are known up
-- to it; a day is complete only before the day it was taken); indicator_last_month: the
-- newest month a winning report workbook covers.
create or replace table intermediate.int_data_horizon as
select (select max(exported_at) from staging.stg_file
        where kind = 'one_stop' and status = 'loaded') as one_stop_as_of,
       cast((select max(exported_at) from staging.stg_file
             where kind = 'one_stop' and status = 'loaded') as date) as one_stop_day,
       (select max(period_code) from intermediate.int_workbook_winner where is_newest)
           as indicator_last_month;
