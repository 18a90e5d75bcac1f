-- A webhook for a conversation that already has a delivery waiting to be read is covered by that read
-- (WebhookInbox.store): this index finds the waiting one without walking the conversation's history.
create index webhook_event_conversation on webhook_event (account_id, conversation_id, status);
