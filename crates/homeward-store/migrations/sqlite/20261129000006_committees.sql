-- Community volunteers belong to one committee and see its households, visits and activities.
-- Never edit a released migration: add a new one.
ALTER TABLE users ADD COLUMN committee TEXT;
ALTER TABLE records ADD COLUMN committee TEXT;
CREATE INDEX records_committee ON records(committee, kind);
