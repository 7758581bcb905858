"""Staff: sign-in, users, zones."""
