"""Other systems and Fieldline: signed webhooks (an outbox), the Excel/CSV import, the service →
sales loop."""
