-- Index definitions a bulk load dropped and has not yet rebuilt. They are written
-- here before the drop, so a load that dies midway leaves a record: the next
-- `seed` or `serve` recreates them (app/src/db/bulk.rs).
create table pending_indexes (
    statement text primary key
);
