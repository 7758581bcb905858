"""Customers: accounts, contacts, devices and their QR codes."""
