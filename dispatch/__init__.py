"""Dispatch core: who should get which job, decided over plain data with no web or database code."""
