-- Accounts created at run time (API, CLI): every node follows this table (id -> version) and polls, sends and receives
-- webhooks for them as for the configuration file's accounts. Credentials are a JSON object encrypted with AES-GCM
-- (credentials: base64 of iv and ciphertext; key_id names the key that encrypted them). A removed account stays as a
-- row with removed = true until every node has seen it go (its version moves, so the followers notice).
create table pms_account (
    id           varchar(128)  primary key,
    source       varchar(64)   not null,
    name         varchar(512),
    external_ref varchar(512),
    base_url     varchar(2048),
    time_zone    varchar(64),
    credentials  text          not null,
    key_id       varchar(32)   not null,
    every_value  varchar(32),
    cron         varchar(128),
    sinks        text          not null,
    tags         text          not null,
    paused       boolean       default false not null,
    removed      boolean       default false not null,
    version      bigint        not null,
    created_at   timestamp     not null,
    updated_at   timestamp     not null
);
create index pms_account_external_ref on pms_account (external_ref);
