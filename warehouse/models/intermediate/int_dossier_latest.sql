-- int_dossier_latest — grain: one dossier; key dossier_code. Exports overlap: the row from
-- the newest export wins (exported_at, then first sight, then sha256, then the later row),
-- so a backfill from the archive picks what the night that saw them picked.
-- incremental: t.dossier_code in (select dossier_code from scope.dossier)
create or replace table intermediate.int_dossier_latest as
with ranked as (
    select s.*, f.path as source_file, f.first_seen_run as load_id,
           row_number() over (
               partition by s.dossier_code
               order by f.exported_at desc, f.first_seen_at desc, f.sha256 desc,
                        s.row_number desc
           ) as rank_newest
    from staging.stg_dossier s
    join staging.stg_file f using (file_id)
    where f.status = 'loaded'
      -- an incremental build ranks only the dossiers it may change
      and ((select full_build from scope.run)
           or s.dossier_code in (select dossier_code from scope.dossier))
)
select * exclude (rank_newest) from ranked where rank_newest = 1;
