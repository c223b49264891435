-- fact_dossier — grain: one dossier (dossier_code), its latest known state, attributed to
-- the unit version valid on the day it was received. Keys: dossier_code unique and not
-- null; unit_key references dim_admin_unit.
-- incremental: t.dossier_code in (select dossier_code from scope.dossier)
create or replace table main.fact_dossier as
select r.dossier_code, u.unit_key, r.procedure_code, r.procedure_name, r.field, r.channel,
       r.service_level, r.online_eligible, r.received_at, r.due_date, r.closed_at, r.outcome,
       r.source_file, r.load_id,
       -- Decision 766 inputs: null where the dossier's export had no such column
       r.has_fee, r.paid_online, r.digitised_receipt, r.digitised_result
from intermediate.int_dossier_latest r
join main.dim_admin_unit u
  on u.unit_code = r.unit_code
 and intermediate.is_valid_on(u.valid_from, u.valid_to, cast(r.received_at as date))
-- an incremental build attributes only the dossiers it may change
where (select full_build from scope.run)
   or r.dossier_code in (select dossier_code from scope.dossier);
