-- OAuth refresh tokens that the PMS rotates (BookingSync/Doorkeeper revokes the old one once the new access
-- token is used): the latest one is kept here so a restart, or another node, goes on with it. credential_hash
-- is the SHA-256 of the refresh token configured for the account: a new configured token (re-authorisation)
-- replaces a stored one issued from an older grant.
create table refresh_token (
    account_id      varchar(128)  primary key,
    credential_hash varchar(64)   not null,
    token           varchar(2048) not null,
    updated_at      timestamp     not null
);
