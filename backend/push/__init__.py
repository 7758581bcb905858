"""Web Push: VAPID keys, subscriptions of staff and customers, sending in the background."""
