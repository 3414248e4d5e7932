"""Tests of the evaluation core (scores, triage, topics, checks) and `screening evaluate`."""
