-- is_valid_on(valid_from, valid_to, day) — whether a unit version is valid on a day (null
-- bounds are open). A unit is a code plus a validity: codes are reused across the 2025
-- reform, so every join from a code to a unit version goes through this.
create or replace macro intermediate.is_valid_on(valid_from, valid_to, day) as
    day between coalesce(valid_from, date '1900-01-01') and coalesce(valid_to, date '9999-12-31');
