"""API tests of sales: leads, the public pool, opportunities, contracts, payments."""
