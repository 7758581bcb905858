"""Web Push: what browsers do through the API, and what a push service receives."""
