"""Errors that are the user's input, not a bug: the CLI prints them as one line, exit status 2."""


class InputError(Exception):
    """Bad input (a scenario, sweep, targets or config file). ``str()`` is the one line shown."""


class ScenarioError(InputError):
    """A scenario file is wrong: names the file, key path (and line), what was expected and found."""

    def __init__(self, file, path, expected, found, line=None):
        self.file, self.path, self.expected, self.found, self.line = file, path, expected, found, line
        where = f"{file}:{line}" if line is not None else f"{file}"
        super().__init__(f"{where}: {path or '<top>'}: expected {expected}, found {found}")
