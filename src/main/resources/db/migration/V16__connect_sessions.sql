-- Connect sessions (POST /v2/connect-sessions): a one-time link a host opens to connect their PMS account. Only the
-- SHA-256 of the link's token is kept, and of the OAuth state while the host is at the PMS. state: OPEN, BUSY (being
-- completed), DONE (account_id made), and the expiry ends the others.
create table pms_connect_session (
    id            varchar(64)   primary key,
    token_hash    varchar(64)   not null unique,
    oauth_state   varchar(64),
    source        varchar(64)   not null,
    external_ref  varchar(512),
    redirect_url  varchar(2048) not null,
    account       text          not null,
    state         varchar(16)   not null,
    account_id    varchar(128),
    expires_at    timestamp     not null,
    created_at    timestamp     not null
);
create index pms_connect_session_oauth on pms_connect_session (oauth_state);
