"""`acscontracts serve`: the local web app (an optional extra: pip install "acscontracts[web]")."""
from __future__ import annotations

from pathlib import Path

import click

LOCAL = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--deals", "deals_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".",
              show_default=True, help="Folder of deal terms files (YAML or JSON); new deals are saved there.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine lets others in: there is no login.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(deals_dir, host, port):
    """Start the local web app: fill in deal terms in a form, see problems live, preview and download."""
    try:
        import waitress

        from acscontracts.web import create_app
    except ImportError as exc:
        raise click.UsageError(f'the web app needs its extra ({exc.name} is missing): pip install "acscontracts[web]"')
    local = host in LOCAL
    if not local:
        click.echo(f"warning: listening on {host}: anyone who can reach this address can read and change the deals "
                   f"in {deals_dir.resolve()}; there is no login", err=True)
    app = create_app(deals_dir, local_only=local)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"acscontracts web app for the deals in {deals_dir.resolve()}: http://{shown}:{port}/ "
               "(Ctrl-C stops it)", err=True)
    waitress.serve(app, host=host, port=port, threads=4, ident="acscontracts",
                   max_request_body_size=6 * 1024 * 1024, _quiet=True)
