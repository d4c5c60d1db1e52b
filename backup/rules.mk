# tern-backup: a consistent copy of a running data directory.
MAN += backup/tern-backup.8
