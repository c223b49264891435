-- staging.stg_file — grain: one file ever seen; key file_id. The file record as models
-- need it: its name without the folder it was first seen in.
create or replace view staging.stg_file as
select file_id, path, regexp_extract(path, '[^/\\]+$') as file_name, sha256, kind,
       unit_code, reporter, period_code, report_date, exported_at, exported_at_source,
       file_mtime, first_seen_at, first_seen_run, bulk_import, status, error
from main.etl_file;
