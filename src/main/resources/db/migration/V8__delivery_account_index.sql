-- Each poll asks how many events of its account are not yet delivered (delivery.maxBacklog): without an index
-- led by the account, that count read every delivery row, and with 10,000 accounts it took 80 % of the CPU.
create index delivery_account_status on delivery (account_id, status);
