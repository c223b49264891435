-- etl_run — grain: one run of a flow. Key: run_id. Written by load/, never by a model.
create table if not exists main.etl_run (
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
