"""`python -m perfdocs`: the command with an ordinary exit (so `python -m cProfile -m perfdocs`
still writes its profile; the installed `perfdocs` command is `perfdocs.cli.run`)."""

from perfdocs.cli import main

main()
