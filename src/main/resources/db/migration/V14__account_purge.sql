-- An account removed with purge = true: each node erases the account's rows once it has stopped its own work on it
-- (runtime.AccountFollower), so a save in flight on a node that had not yet followed cannot outlive the erasure.
alter table pms_account add column purge boolean default false not null;
