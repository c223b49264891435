-- scope.dossier — grain: one dossier whose state the current build may change; key
-- dossier_code: every dossier of a changed file (recorded or read again), and every dossier
-- last taken from one (a re-read may no longer give it).
create or replace table scope.dossier as
select dossier_code from raw.dossier_row
where file_id in (select file_id from scope.changed_file)
union
select dossier_code from scope.dossier_before;
