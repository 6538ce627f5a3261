-- Reminders (overdue follow-ups) are raised once per user and subject.
ALTER TABLE alerts ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX alerts_dedupe ON alerts(user_id, dedupe_key);
