-- Each user's time zone, an IANA name such as Europe/Berlin, in which
-- their days and weeks are counted and their times shown; '' means the
-- server's zone.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
