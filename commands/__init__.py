"""The command line's commands, one module per concern, registered on the root group in `cli.py`.

Each module is a thin layer: it parses options, calls the library and
prints. Library modules are imported inside the command functions, so that
listing the commands (and `--help`) never loads the store or the solver.
"""
