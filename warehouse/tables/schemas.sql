-- The warehouse's schemas. `main` holds only the public contract (warehouse-contract.md):
-- dimensions, facts, reports, their macros and the operations records. What the pipeline
-- needs on the way lives beside it: `raw` (rows as the readers gave them, kept from run to
-- run), `seed` (reference data as loaded), `staging` (renamed and cast), `intermediate`.
create schema if not exists raw;
create schema if not exists seed;
create schema if not exists staging;
create schema if not exists intermediate;
-- `scope`: what the current build may change (the run's files, the states they replace),
-- so that a nightly run rebuilds only the rows its files touch (docs/scale.md).
create schema if not exists scope;
