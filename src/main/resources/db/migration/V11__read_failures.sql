-- A thread that could not be read or mapped stays a problem until it reads and maps again: its dead letter is
-- OPEN (one row per thread and kind, counting occurrences), RETRY once asked to be read again (dlq replay, a
-- changed source file; retry_at is the claim's lease), RESOLVED when the thread went through.
alter table dead_letter add column status varchar(16) default 'OPEN' not null;
alter table dead_letter add column field varchar(256);
alter table dead_letter add column occurrences int default 1 not null;
alter table dead_letter add column last_seen_at timestamp;
alter table dead_letter add column retry_at timestamp;
create index dead_letter_status on dead_letter (status, retry_at);
create index dead_letter_reference on dead_letter (account_id, reference, status);

-- The thread's last read failed: it is read again whatever its marker says, and its dead letters are resolved by the
-- next read that goes through (the flag costs no extra query: it is read with the marker).
alter table conversation_state add column failing boolean default false not null;

-- Which version of each source file the stored conversations were mapped with: a changed file re-reads them.
create table mapping_version (
    source      varchar(64) primary key,
    fingerprint varchar(64) not null,
    updated_at  timestamp   not null
);
