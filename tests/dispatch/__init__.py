"""Unit tests of the pure dispatch core."""
