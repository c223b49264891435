-- meta_publish — grain: one row, the publish of the warehouse file BI tools read.
create table if not exists main.meta_publish (
    published_at timestamp,
    data_as_of timestamp,
    run_id varchar
);
