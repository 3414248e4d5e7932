"""Tests for the staff portal (issue 5)."""
