-- Which worker's claim an outbox entry is under: a worker renews its claim (compare-and-set on this token) right
-- before the PMS's send call, so a claim another worker took over meanwhile is never sent on.
alter table outbox add column claim_token varchar(64);
