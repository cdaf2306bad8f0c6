"""``python -m assistant`` runs the command line, the same as the ``assistant`` script."""

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
