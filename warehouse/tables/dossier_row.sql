-- raw.dossier_row — grain: one dossier row of one one-stop export, as the reader gave it
-- (whitelisted columns only: never personal data). Key: (file_id, row_number). Rows of a
-- file are replaced when the file is read again (backfill).
create table if not exists raw.dossier_row (
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
-- The Decision 766 inputs, added after the table's first version: null where the export
-- has no such column (not carried), false where it says no.
alter table raw.dossier_row add column if not exists has_fee boolean;
alter table raw.dossier_row add column if not exists paid_online boolean;
alter table raw.dossier_row add column if not exists digitised_receipt boolean;
alter table raw.dossier_row add column if not exists digitised_result boolean;
