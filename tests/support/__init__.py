"""Shared helpers of the tests: servers, factories, receivers, the permission matrix's machinery."""
