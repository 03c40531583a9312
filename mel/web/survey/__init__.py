"""Participants: consent, survey pages, resume and exactly-once submission."""
