-- scope.dossier_before — grain: one dossier; key dossier_code. What fact_dossier said of a
-- dossier before the current build (the columns its counted events depend on), for the
-- dossiers the build may change: those in the changed files, or last taken from one.
-- Written by load/incremental.py; empty in a full build.
create table if not exists scope.dossier_before (
    dossier_code varchar not null,
    unit_key bigint,
    field varchar,
    channel varchar,
    online_eligible boolean,
    received_at timestamp,
    due_date date,
    closed_at timestamp,
    outcome varchar,
    has_fee boolean,
    paid_online boolean,
    digitised_receipt boolean,
    digitised_result boolean
);
