"""Packaging that pyproject.toml cannot say: the repository's top-level `data/` folder ships as the package `profplan_data`.

Everything else about the package lives in pyproject.toml. The data stays a
plain folder at the root of the repository (easy to find and edit); in a
wheel, and in an editable install, it is the importable package
`profplan_data`, which `calendars.data_files.data_dir` locates.
"""

from setuptools import find_packages, setup

CODE = ["calendars*", "calendar_orders*", "store*", "roadmaps*", "scheduler*", "tracking*", "region*", "feeds*", "commands*", "web*"]

setup(
    packages=[*find_packages(include=CODE), "profplan_data"],
    package_dir={"profplan_data": "data"},
)
