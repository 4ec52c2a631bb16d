"""profplan's bundled data (norms, calendars, roadmaps, the demo school, translations), installed as `profplan_data`."""
