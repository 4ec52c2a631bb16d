"""The regional batch: every school of a region solved on a Dask cluster, and the committee's region report.

A region has hundreds of schools and each timetable is an independent CP-SAT
problem, so the batch hands one school to one Dask task: the client reads the
school's input from the store, a worker builds and solves the model (a CP-SAT
model does not pickle, its input does), and the client stores each result in
one transaction as it arrives. `adapter` is the one module that knows the
scheduler's internals; `batch` drives the cluster; `report` summarises the
region per municipality and school.
"""
