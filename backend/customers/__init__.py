"""Customers: accounts, contacts, products, parts, stock and installed devices."""
