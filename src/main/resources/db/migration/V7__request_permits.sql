-- Requests granted under the PMSs' published limits, shared by every node (dev.pmsconversations.limits.SharedPermits,
-- PostgreSQL only; a single H2 node counts in memory). Rows older than the longest window are deleted as it goes.
create table request_permit (
    permit_key varchar(250) not null,
    granted_at timestamp with time zone not null
);
create index request_permit_key_time on request_permit (permit_key, granted_at);
