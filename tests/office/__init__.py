"""Tests of the back office: its frame, pages and building blocks."""
