-- fact_dossier — grain: one dossier (dossier_code), its latest known state.
-- Exports overlap: the row from the newest export wins (exported_at, then first sight,
-- then sha256), so a backfill from the archive picks what the night that saw them picked.
-- Keys: dossier_code unique and not null; unit_key references dim_admin_unit.
create or replace table fact_dossier as
with ranked as (
    select s.*, f.path as source_file, f.first_seen_run as load_id,
           row_number() over (
               partition by s.dossier_code
               order by f.exported_at desc, f.first_seen_at desc, f.sha256 desc, s.row_number desc
           ) as rank_newest
    from stg_dossier s
    join etl_file f using (file_id)
    where f.status = 'loaded'
)
select r.dossier_code, u.unit_key, r.procedure_code, r.procedure_name, r.field, r.channel,
       r.service_level, r.online_eligible, r.received_at, r.due_date, r.closed_at, r.outcome,
       r.source_file, r.load_id
from ranked r
join dim_admin_unit u
  on u.unit_code = r.unit_code
 and cast(r.received_at as date) between coalesce(u.valid_from, date '1900-01-01')
                                     and coalesce(u.valid_to, date '9999-12-31')
where r.rank_newest = 1;
