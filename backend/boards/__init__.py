"""Supervisor boards: live dispatch, satisfaction and field sales figures."""
