"""The experiments (issue #16): one module per experiment, each regenerating one finding with its figures, tables,
text and manifest. ``experiments/<name>.py`` are the runnable scripts; ``langerthuis experiment`` lists and runs
them. This package sits above the workshop (it draws figures) and below the CLI."""
