"""Field work: sales visits with GPS check-in and check-out, location pings, routes of the day."""
