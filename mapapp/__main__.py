"""Allow ``python -m mapapp``."""

from mapapp.cli import main

main()
