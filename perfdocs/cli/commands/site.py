"""`perfdocs build` and `perfdocs serve`."""

from __future__ import annotations

import click

from perfdocs.cli import records_option
from perfdocs.cli.options import quiet_option, strict_option

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
    "(pages whose inputs did not change are reused from it). With --as: default a folder under the cache folder.",
)
as_option = click.option(
    "--as",
    "viewer",
    metavar="HANDLE",
    help="A personal preview: the internal site (or --audience's) plus the private records HANDLE may see, "
    "their own and, for a manager, their reports'. Marked on every page, never written into a folder a "
    "deploy publishes, refused in CI.",
)
allow_ci_option = click.option(
    "--allow-ci",
    is_flag=True,
    help="Allow a personal preview (--as) where the CI variable is set (refused there by default: "
    "it holds private records).",
)


def _preview(viewer: str | None, allow_ci: bool) -> str:
    """The audience a build or serve with --as starts from: --audience if given, else internal
    (the person previewing works in the company). Refused in CI unless --allow-ci."""
    from click.core import ParameterSource

    from perfdocs.site import preview

    ctx = click.get_current_context()
    audience = str(ctx.params["audience"])
    if viewer is None:
        return audience
    preview.refuse_in_ci(allow_ci)
    return "internal" if ctx.get_parameter_source("audience") is ParameterSource.DEFAULT else audience


@click.command()
@records_option
@out_option
@audience_option
@as_option
@allow_ci_option
@strict_option
@quiet_option
def build(records: str | None, out: str, audience: str, viewer: str | None, allow_ci: bool, strict: bool) -> None:
    """Build the static site: rubric, levels, packets, metrics, dashboards, goals, search.

    The site works from the file system and from any static host, with no external
    font, script or CDN. Invalid records are left out, nothing of them is published, and
    the build names them; with --strict they stop the build with their diagnostics (exit 1).

    \b
    Example:
      perfdocs build --records records --out site
      perfdocs build --audience internal --out site-internal
      perfdocs build --as alice --out /tmp/alice-preview
    """
    import sys
    from pathlib import Path

    from click.core import ParameterSource

    from perfdocs.cli import detail, info, is_quiet, progress
    from perfdocs.diagnostics import display_path
    from perfdocs.site import build as run
    from perfdocs.site import preview
    from perfdocs.validation import resolve_root, skipped_note

    audience = _preview(viewer, allow_ci)
    root = resolve_root(records)
    detail(f"records folder: {display_path(root)}")
    if viewer is not None and click.get_current_context().get_parameter_source("out") is ParameterSource.DEFAULT:
        target = preview.default_out(root, viewer)
    else:
        target = Path(out)
    bar = (lambda pages, n: progress(pages, "rendering", length=n)) if sys.stderr.isatty() and not is_quiet() else None
    result = run(root, target, audience, progress=bar, viewer=viewer, strict=strict)
    whom = f"a personal preview for {viewer} (private records)" if viewer else f"the {audience} audience"
    info(
        f"built {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged and reused; "
        f"{result.files} files) for {whom} in {display_path(result.out)}/ in {result.seconds:.1f}s"
    )
    note = skipped_note(result.skipped, " (not published)")
    if note is not None:
        click.echo(f"perfdocs: warning: {note}", err=True)  # even with --quiet: part of the result


@click.command()
@records_option
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="The output folder (default: a folder under the cache folder, .perfdocs-cache/preview/; "
    "never ./site, which `build` deploys).",
)
@audience_option
@as_option
@allow_ci_option
@strict_option
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
def serve(
    records: str | None,
    out: str | None,
    audience: str,
    viewer: str | None,
    allow_ci: bool,
    strict: bool,
    port: int,
    host: str,
    allow_remote: bool,
) -> None:
    """Build the site, serve it on localhost, and rebuild when records or templates change.

    Serves exactly what `perfdocs build` writes; open pages reload by themselves after
    a rebuild. A rebuild that fails keeps the last good site and prints why (on stderr
    and in a banner on every page). Only requests for this address (or localhost) are
    answered; listening on another address needs --allow-remote. The site is written
    under the cache folder unless --out says otherwise: `./site` is what `build` deploys.

    With --as HANDLE, a personal preview: what that person may see, their private records
    and, for a manager, their reports', marked as such on every page.

    \b
    Example:
      perfdocs serve --records records --port 8000
      perfdocs serve --as alice
    """
    from pathlib import Path

    from perfdocs.site import preview
    from perfdocs.site.serve import Server, is_loopback
    from perfdocs.site.writer import check_outside
    from perfdocs.validation import resolve_root

    audience = _preview(viewer, allow_ci)
    root = resolve_root(records)
    target = Path(out) if out is not None else preview.default_out(root, viewer or audience)
    check_outside(target, root)  # refused before the port is even opened
    if viewer is not None:
        preview.check_out(target, root)
    server = Server(
        root,
        target,
        audience,
        host=host,
        port=port,
        log=lambda m: click.echo(m, err=True),
        allow_remote=allow_remote,
        viewer=viewer,
        strict=strict,
    )
    if not is_loopback(host):
        click.echo(
            f"perfdocs: warning: listening on {host}: the {f'preview for {viewer}' if viewer else f'{audience} site'} "
            f"built from {root} "
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
