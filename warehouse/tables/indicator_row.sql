-- raw.indicator_row — grain: one indicator row of one report workbook, as the reader gave
-- it, with the cell of each figure. Key: (file_id, indicator_code).
create table if not exists raw.indicator_row (
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
    row_number integer not null,
    plan_cell varchar,
    cumulative_cell varchar,
    rate_cell varchar
);
