"""Fieldline: the web backend (Litestar) of the field-service CRM."""
