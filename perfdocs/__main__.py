"""`python -m perfdocs`."""

from perfdocs.cli import main

main()
