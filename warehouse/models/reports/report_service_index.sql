-- report_service_index — grain: unit × period × scope, the rows of report_one_stop. Keys:
-- (unit_key, period_code, scope). The components of the Decision 766/QĐ-TTg service
-- index that the dossiers allow, each as a rate (null when its denominator is 0) and as
-- points: min(rate / full_at, 1) × maximum, with maximum and full_at per component from
-- the seed service_index.csv (int_service_index_component).
--   progress = (resolved_early + resolved_on_time + withdrawn + pending_within_due)
--              / received_total                         (full points at 100 %)
--   online   = received_online / received_new           (full points at ≥ 50 %)
--   online_payment    = paid online / dossiers with a fee, received in the period
--   digitised_receipt = digitised at receipt / received in the period
--   digitised_result  = with an electronic result / resolved in the period
-- The last three count only dossiers whose export carried the column
-- (int_service_index_input): with none, the rate and points are null ("không có dữ
-- liệu"), never 0.
-- incremental: t.period_code in (select period_code from scope.one_stop_period)
create or replace table main.report_service_index as
with component as (
    select max(maximum) filter (where component = 'progress') as progress_max,
           max(full_at) filter (where component = 'progress') as progress_full_at,
           max(maximum) filter (where component = 'online_share') as online_max,
           max(full_at) filter (where component = 'online_share') as online_full_at,
           max(maximum) filter (where component = 'online_payment') as payment_max,
           max(full_at) filter (where component = 'online_payment') as payment_full_at,
           max(maximum) filter (where component = 'digitised_receipt') as receipt_max,
           max(full_at) filter (where component = 'digitised_receipt') as receipt_full_at,
           max(maximum) filter (where component = 'digitised_result') as result_max,
           max(full_at) filter (where component = 'digitised_result') as result_full_at
    from intermediate.int_service_index_component
),
rates as (
    select unit_key, unit_code, unit_name, period_code, scope, received_total, received_new,
           complete, period_type,
           (resolved_early + resolved_on_time + withdrawn + pending_within_due)
               / nullif(received_total, 0) as progress_rate,
           received_online / nullif(received_new, 0) as online_rate,
           i.fee_paid_online / nullif(i.fee_due, 0) as online_payment_rate,
           i.receipt_digitised / nullif(i.receipt_known, 0) as digitised_receipt_rate,
           i.result_digitised / nullif(i.result_known, 0) as digitised_result_rate
    from main.report_one_stop o
    left join intermediate.int_service_index_input i using (period_code, unit_key, scope)
)
select r.unit_key, r.unit_code, r.unit_name, r.period_code, r.scope,
       r.received_total, r.received_new,
       r.progress_rate,
       -- (not least(): it skips nulls, and a unit without dossiers has no points)
       case when r.progress_rate >= c.progress_full_at then 1
            else r.progress_rate / c.progress_full_at end * c.progress_max as progress_points,
       c.progress_max as progress_max_points,
       r.online_rate,
       case when r.online_rate >= c.online_full_at then 1
            else r.online_rate / c.online_full_at end * c.online_max as online_points,
       c.online_max as online_max_points,
       r.complete, r.period_type,
       r.online_payment_rate,
       case when r.online_payment_rate >= c.payment_full_at then 1
            else r.online_payment_rate / c.payment_full_at end * c.payment_max
           as online_payment_points,
       c.payment_max as online_payment_max_points,
       r.digitised_receipt_rate,
       case when r.digitised_receipt_rate >= c.receipt_full_at then 1
            else r.digitised_receipt_rate / c.receipt_full_at end * c.receipt_max
           as digitised_receipt_points,
       c.receipt_max as digitised_receipt_max_points,
       r.digitised_result_rate,
       case when r.digitised_result_rate >= c.result_full_at then 1
            else r.digitised_result_rate / c.result_full_at end * c.result_max
           as digitised_result_points,
       c.result_max as digitised_result_max_points
from rates r, component c
order by r.period_code, r.unit_code, r.scope;
