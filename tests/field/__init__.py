"""Field work: location pings, routes, visits."""
