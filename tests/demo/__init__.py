"""The demo data set: deterministic, plausible, usable through the API."""
