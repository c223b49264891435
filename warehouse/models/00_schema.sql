-- Tables that persist from run to run: the record of every file and run, what each file
-- gave (staging, one batch per file), and what was wrong with it. Everything else in the
-- warehouse is rebuilt from these by the models that follow.

create sequence if not exists seq_file_id start 1;

create table if not exists etl_run (
    run_id varchar primary key,
    flow varchar not null,
    trigger varchar not null,            -- 'schedule', 'manual', 'backfill'
    parameters varchar,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,             -- 'running', 'succeeded', 'failed'
    files_seen integer,
    files_loaded integer,
    files_rejected integer,
    rows_loaded bigint,
    rows_rejected bigint,
    error varchar                        -- why a failed run failed (nothing was published)
);

create table if not exists etl_file (
    file_id integer primary key default nextval('seq_file_id'),
    path varchar not null,               -- where it was first seen (inbox path)
    archive_path varchar not null,       -- content-addressed copy, exactly as received
    sha256 varchar not null unique,
    kind varchar not null,               -- 'one_stop', 'workbook', 'unknown'
    unit_code varchar,
    reporter varchar,
    period_code varchar,                 -- workbooks: the month reported
    report_date date,                    -- workbooks: the date line of the title block
    exported_at timestamp,               -- one-stop: title block 'Ngày xuất', else file_mtime
    file_mtime timestamp not null,       -- modification time when first seen (local time)
    first_seen_at timestamp not null,
    first_seen_run varchar not null,
    status varchar not null,             -- 'loaded', 'rejected', 'superseded'
    error varchar,
    rows_read integer,
    rows_loaded integer,
    rows_rejected integer
);

create table if not exists stg_dossier (
    file_id integer not null,
    row_number integer not null,
    dossier_code varchar not null,
    unit_code varchar not null,
    procedure_code varchar,
    procedure_name varchar,
    field varchar,
    channel varchar not null,
    service_level varchar,
    online_eligible boolean not null,
    received_at timestamp not null,
    due_date date,
    closed_at timestamp,
    outcome varchar
);

create table if not exists stg_indicator (
    file_id integer not null,
    reporter varchar not null,
    unit_code varchar not null,
    period_code varchar not null,
    indicator_code varchar not null,
    actual_month double,
    cumulative double,
    plan_value double,
    printed_rate double,
    source_sheet varchar,
    source_cell varchar,
    row_number integer not null
);
-- Cells of the plan, lũy kế and Tỷ lệ figures of a staged row (quality findings name them);
-- added after the first release, so older warehouses gain them here.
alter table stg_indicator add column if not exists plan_cell varchar;
alter table stg_indicator add column if not exists cumulative_cell varchar;
alter table stg_indicator add column if not exists rate_cell varchar;

create table if not exists dq_result (
    run_id varchar not null,
    file_id integer,
    suite varchar not null,
    expectation varchar not null,
    severity varchar not null,           -- 'error' rejects, 'warning' loads and flags
    success boolean not null,
    observed varchar,
    unexpected_count bigint,
    message varchar
);

create table if not exists rejected_row (
    run_id varchar not null,
    file_id integer not null,
    sheet varchar,
    row_number integer,
    cell varchar,
    rule varchar not null,
    reason varchar not null,
    raw_row varchar                      -- JSON of the row's whitelisted columns only
);
