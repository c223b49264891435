-- dq_result — grain: one expectation evaluated in a run (one row per failing case, or one
-- success row). No key. Written by load/ from expectations/' findings.
create table if not exists main.dq_result (
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
