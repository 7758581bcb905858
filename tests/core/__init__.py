"""The backend's root modules and commands: cli, clock, tasks, idempotency, errors, migrations."""
