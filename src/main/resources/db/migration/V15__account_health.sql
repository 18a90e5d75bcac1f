-- Each account's health as the whole cluster sees it (the node that polled it last wrote it): the state the lifecycle
-- events follow (ACTIVE <-> AUTH_FAILED, changed by compare-and-set so that one transition makes one event, whichever
-- node saw it), and the last polls. Kept when an account is removed (its status stays readable), deleted with purge.
create table pms_account_health (
    account_id           varchar(128)  primary key,
    source               varchar(64)   not null,
    state                varchar(16)   not null,
    reason               varchar(1000),
    transitions          int           not null,
    changed_at           timestamp     not null,
    last_poll_at         timestamp,
    last_good_poll_at    timestamp,
    last_error           varchar(1000),
    consecutive_failures int           default 0 not null
);
-- The account's webhook subscription made through the PMS's own API (api.webhook.subscribe): its id there, to delete it
-- with the account; null when the PMS has no such API (the account answer says what to register by hand).
alter table pms_account add column webhook_id varchar(512);
