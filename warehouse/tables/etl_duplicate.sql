-- etl_duplicate — grain: one new name under which the inbox held content already loaded
-- (a file sent twice, a copy renamed); it is not read again. Key: (run_id, path). The
-- loaded file is the etl_file row with the same sha256.
create table if not exists main.etl_duplicate (
    run_id varchar not null,
    path varchar not null,
    sha256 varchar not null
);
