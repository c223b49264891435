-- staging.stg_dossier — grain: one dossier row of one export file; key (file_id,
-- row_number). Renames and casts raw.dossier_row, nothing else.
create or replace view staging.stg_dossier as
select file_id, row_number, dossier_code, unit_code, procedure_code, procedure_name, field,
       channel, service_level, online_eligible, received_at, due_date, closed_at, outcome,
       has_fee, paid_online, digitised_receipt, digitised_result
from raw.dossier_row;
