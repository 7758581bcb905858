"""Work orders: the service loop, dispatch through the API, the customer's requests."""
