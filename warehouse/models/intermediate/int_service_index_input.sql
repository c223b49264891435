-- int_service_index_input — grain: unit version × period × scope where the unit had
-- dossiers in the period; key (unit_key, period_code, scope). The Decision 766 inputs that
-- only some exports carry, counted over the dossiers whose export carried them:
-- fee_due / fee_paid_online (received in the period, with a fee and a known payment),
-- receipt_known / receipt_digitised (received in the period), result_known /
-- result_digitised (resolved in the period). A count of 0 known dossiers makes the rate null.
-- incremental: t.period_code in (select period_code from scope.one_stop_period)
create or replace table intermediate.int_service_index_input as
select period_code, unit_key, scope,
       sum(fee_due)::bigint as fee_due,
       sum(fee_paid_online)::bigint as fee_paid_online,
       sum(receipt_known)::bigint as receipt_known,
       sum(receipt_digitised)::bigint as receipt_digitised,
       sum(result_known)::bigint as result_known,
       sum(result_digitised)::bigint as result_digitised
from intermediate.one_stop_figures(intermediate.period_windows())
group by all;
