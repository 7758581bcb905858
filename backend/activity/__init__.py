"""Follow-ups, tasks and reminder rules, the rep's Today list, the account's timeline."""
