-- rejected_row — grain: one row of a file that was not loaded, with its reason. No key.
create table if not exists main.rejected_row (
    run_id varchar not null,
    file_id integer not null,
    sheet varchar,
    row_number integer,
    cell varchar,
    rule varchar not null,
    reason varchar not null,
    raw_row varchar                      -- JSON of the row's whitelisted columns only
);
