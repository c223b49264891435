-- scope.changed_file — grain: one file the current build recorded or read again (a
-- backfill); key file_id. Written by load/warehouse.py with the file records.
create table if not exists scope.changed_file (
    file_id integer not null
);
