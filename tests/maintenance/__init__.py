"""Tests of service contracts, plans, SLA and proof of work."""
