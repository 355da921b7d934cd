"""The ``kg serve`` and ``kg demo`` commands, added to ``kg`` as an entry-point plugin.

They live here, not in :mod:`kg.cli`, so that the ``kg`` package never imports the
server: ``pyproject.toml`` lists them under the ``conflict_kg.commands`` entry-point
group, which :class:`kg.cli.PluginGroup` reads.
"""

from __future__ import annotations

import click

from kg.cli import (
    ingest_sources,
    opened_store,
    print_summary,
    sample_paths,
    settings_for,
    store_option,
)
from kg.core.settings import Settings


def serve_settings(settings: Settings) -> None:
    """Serve the endpoint with ``settings`` until interrupted, printing where it listens."""
    from kg.graph.store import StoreError
    from server.wsgi import serve as run_server

    def ready(url: str) -> None:
        click.echo(f"SPARQL endpoint: {url}/sparql")
        click.echo(f"Query page:      {url}/")
        click.echo("Try:")
        click.echo(f"  curl -G {url}/sparql -H 'Accept: text/csv' --data-urlencode "
                   "'query=SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type ; "
                   "<https://w3id.org/conflict-kg/ontology#reportedIn> ?r } GROUP BY ?type'")
        click.echo("Press Ctrl+C to stop.")

    try:
        run_server(settings, ready=ready)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.option("--host", default=None, help="Listen address (setting host).")
@click.option("--port", type=int, default=None, help="Port (setting port).")
@store_option
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, store: str | None) -> None:
    """Serve the SPARQL endpoint, query page and linked-data pages (production WSGI)."""
    serve_settings(settings_for(ctx, store=store, host=host, port=port))


@click.command()
@click.option("--serve/--no-serve", "then_serve", default=True, show_default=True,
              help="Serve the endpoint after ingesting.")
@click.option("--host", default=None, help="Listen address (setting host).")
@click.option("--port", type=int, default=None, help="Port (setting port).")
@store_option
@click.pass_context
def demo(ctx: click.Context, then_serve: bool, host: str | None, port: int | None,
         store: str | None) -> None:
    """Ingest the bundled sample reports, then serve the SPARQL endpoint."""
    from kg.pipeline.ingest import ReadOptions

    settings = settings_for(ctx, store=store, host=host, port=port)
    click.echo(f"Store: {settings.store}")
    with opened_store(settings) as opened:
        summary = ingest_sources(opened, [str(p) for p in sample_paths()],
                                 ReadOptions(max_bytes=settings.max_report_bytes), settings)
        print_summary(summary)
        click.echo(f"quads in store: {len(opened)}")
    if not summary.ok:
        ctx.exit(1)
    if then_serve:
        serve_settings(settings)
