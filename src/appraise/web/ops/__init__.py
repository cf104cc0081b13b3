"""Running appraise on a server: the health check and the database backup and restore
(docs/deploy.md)."""
