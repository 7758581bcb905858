"""Staff: users, roles, engineer profiles, sign-in sessions."""
