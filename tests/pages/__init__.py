"""HTML pages: the staff app, the customer's QR pages, the back office, i18n."""
