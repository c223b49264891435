-- etl_file — grain: one file ever seen, by content. Key: file_id; sha256 unique. Written by
-- load/, never by a model.
create sequence if not exists main.seq_file_id start 1;

create table if not exists main.etl_file (
    file_id integer primary key default nextval('main.seq_file_id'),
    path varchar not null,               -- where it was first seen (inbox path)
    archive_path varchar not null,       -- content-addressed copy, exactly as received
    sha256 varchar not null unique,
    kind varchar not null,               -- 'one_stop', 'workbook', 'unknown'
    unit_code varchar,
    reporter varchar,
    period_code varchar,                 -- workbooks: the month reported
    report_date date,                    -- workbooks: the date line of the title block
    exported_at timestamp,               -- one-stop: when the export was taken (export_age)
    file_mtime timestamp not null,       -- modification time when first seen (local time)
    first_seen_at timestamp not null,
    first_seen_run varchar not null,
    status varchar not null,             -- 'loaded', 'rejected', 'superseded'
    error varchar,
    rows_read integer,
    rows_loaded integer,
    rows_rejected integer
);
-- Added after the first release; older warehouses gain them here.
alter table main.etl_file add column if not exists exported_at_source varchar;
alter table main.etl_file add column if not exists bulk_import boolean;
alter table main.etl_file add column if not exists received_at timestamp;
alter table main.etl_file add column if not exists received_rule varchar;
-- When the archived copy was deleted under the retention rule (load/purge.py); the rows
-- loaded from it stay.
alter table main.etl_file add column if not exists purged_at timestamp;
