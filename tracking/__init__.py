"""Deadline tracking for the committee: occurrences, their status, overdue reports and e-mail alerts."""
