"""Default procedure templates (JSON), seeded into a new database by migration."""
