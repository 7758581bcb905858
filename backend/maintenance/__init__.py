"""Service contracts, maintenance plans, SLA clocks and proof of work."""
