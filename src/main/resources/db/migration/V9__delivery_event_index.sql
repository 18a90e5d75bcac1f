-- After a sync queues an event, its delivery rows are read back by event id (DeliveryStore.rowsOfEvent); the unique
-- key (sink, event_id) cannot serve that lookup, so each read scanned every delivery row: with a few thousand
-- delivered events that scan was a quarter of the end-to-end sync's CPU.
create index delivery_event on delivery (event_id);
