-- report_submission_rate — grain: unit × period × scope, for every period with at least one
-- expected monthly report (report_submission) and every unit version valid on the period's
-- last day. Completeness and timeliness as DHIS2 reports them: reporting rate = loaded
-- reports / expected reports, on-time reporting rate = loaded reports received by the
-- deadline / expected reports (null without expected reports). A quarter expects one report per
-- reporter and month. Keys: (unit_key, period_code, scope).
create or replace table main.report_submission_rate as
with rolled as (
    select m.report_unit_key as unit_key, pm.period_code, m.scope,
           count(*) as expected_reports,
           count(*) filter (where s.status = 'loaded') as loaded_reports,
           count(*) filter (where s.status = 'rejected') as rejected_reports,
           count(*) filter (where s.status = 'missing') as missing_reports,
           count(*) filter (where s.status = 'loaded' and s.on_time) as on_time_reports
    from main.report_submission s
    join intermediate.int_period_month pm on pm.month_code = s.period_code
    join main.dim_period p on p.period_code = pm.period_code
    join intermediate.int_unit_rollup m
      on m.fact_unit_key = s.unit_key and p.end_date between m.valid_from and m.valid_to
    group by all
)
select u.unit_key, u.unit_code, u.unit_name, r.period_code, r.scope, r.expected_reports,
       r.loaded_reports, r.rejected_reports, r.missing_reports, r.on_time_reports,
       r.loaded_reports / nullif(r.expected_reports, 0) as reporting_rate,
       r.on_time_reports / nullif(r.expected_reports, 0) as on_time_reporting_rate,
       coalesce(p.end_date <= m.end_date, false) as complete, p.period_type
from rolled r
join main.dim_admin_unit u using (unit_key)
join main.dim_period p on p.period_code = r.period_code
left join main.dim_period m
  on m.period_code = (select indicator_last_month from intermediate.int_data_horizon)
order by r.period_code, u.unit_code, r.scope;
