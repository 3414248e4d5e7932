"""Tests of the patient side: steps, save and resume, warnings, invitations, submit, export."""
