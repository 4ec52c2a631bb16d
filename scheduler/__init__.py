"""The profminimum timetable: school profiles, norms, the CP-SAT solver, re-planning and compliance.

Entry points for the CLI live in `scheduler.service`; the formulation is
described in `scheduler.model` and `scheduler.decompose`.
"""
