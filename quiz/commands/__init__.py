"""Command-line groups of the features (`flask --app wsgi …`), registered by `quiz.cli`."""
