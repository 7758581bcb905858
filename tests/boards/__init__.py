"""Supervisor boards: dispatch, satisfaction, sales, rollups, the live stream."""
