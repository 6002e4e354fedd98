"""Teamwork: review and approval of tasks, and the activity log that records who did what."""
