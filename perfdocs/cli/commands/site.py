"""`perfdocs build` and `perfdocs serve`."""

from __future__ import annotations

import click

from perfdocs.cli import records_option
from perfdocs.cli.options import quiet_option

audience_option = click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="public: only public records; internal: public and internal ones. Private records are never published.",
)
out_option = click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="site",
    show_default=True,
    metavar="DIR",
    help="The output folder; replaced as a whole, and only after a complete build "
    "(pages whose inputs did not change are reused from it).",
)


@click.command()
@records_option
@out_option
@audience_option
@quiet_option
def build(records: str | None, out: str, audience: str) -> None:
    """Build the static site: rubric, levels, packets, metrics, dashboards, goals, search.

    The site works from the file system and from any static host, with no external
    font, script or CDN. Invalid records stop the build with their diagnostics (exit 1).

    \b
    Example:
      perfdocs build --records records --out site
      perfdocs build --audience internal --out site-internal
    """
    import sys
    from pathlib import Path

    from perfdocs.cli import detail, info, is_quiet, progress
    from perfdocs.diagnostics import display_path
    from perfdocs.site import build as run
    from perfdocs.validation import resolve_root

    root = resolve_root(records)
    detail(f"records folder: {display_path(root)}")
    bar = (lambda pages, n: progress(pages, "rendering", length=n)) if sys.stderr.isatty() and not is_quiet() else None
    result = run(root, Path(out), audience, progress=bar)
    info(
        f"built {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged and reused; "
        f"{result.files} files) for the {audience} audience in {display_path(result.out)}/ in {result.seconds:.1f}s"
    )


@click.command()
@records_option
@out_option
@audience_option
@quiet_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on localhost (0: any free port).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host that is not a loopback address (the site becomes reachable from other machines).",
)
def serve(records: str | None, out: str, audience: str, port: int, host: str, allow_remote: bool) -> None:
    """Build the site, serve it on localhost, and rebuild when records or templates change.

    Serves exactly what `perfdocs build` writes; open pages reload by themselves after
    a rebuild. A rebuild that fails keeps the last good site and prints why (on stderr
    and in a banner on every page). Only requests for this address (or localhost) are
    answered; listening on another address needs --allow-remote.

    \b
    Example:
      perfdocs serve --records records --port 8000
    """
    from pathlib import Path

    from perfdocs.site.serve import Server, is_loopback
    from perfdocs.site.writer import check_outside
    from perfdocs.validation import resolve_root

    root = resolve_root(records)
    check_outside(Path(out), root)  # refused before the port is even opened
    server = Server(
        root,
        Path(out),
        audience,
        host=host,
        port=port,
        log=lambda m: click.echo(m, err=True),
        allow_remote=allow_remote,
    )
    if not is_loopback(host):
        click.echo(
            f"perfdocs: warning: listening on {host}: the {audience} site built from {root} "
            f"is reachable by anyone who can reach this machine on port {server.port}",
            err=True,
        )
    server.first_build()
    click.echo(f"serving {server.url} (Ctrl-C to stop)", err=True)  # even with --quiet: where to look
    try:
        server.serve_forever()
    finally:
        server.close()


COMMANDS = [build, serve]
