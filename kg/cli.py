"""The ``kg`` command: thin wrappers over library functions.

Each command parses its options, resolves the settings and calls one library
function. Run ``kg COMMAND --help`` for details; ``kg settings`` lists every setting.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.core.settings import Settings, SettingsError, load_settings, settings_help
from kg.graph.store import GraphStore, StoreError

EXAMPLE_QUERY = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?type ?date ?placeName WHERE {
  ?event a ?type ; ckg:date ?date ; ckg:place ?place .
  ?type rdfs:subClassOf* ckg:Event .
  OPTIONAL { ?place rdfs:label ?placeName FILTER(lang(?placeName) = "en") }
} ORDER BY ?date"""


def settings_for(ctx: click.Context, **overrides: Any) -> Settings:
    config = ctx.find_root().obj.get("config") if ctx.find_root().obj else None
    try:
        return load_settings(overrides, config_file=config if config else True)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


@contextmanager
def opened_store(settings: Settings, *, read_only: bool = False) -> Iterator[GraphStore]:
    from kg.graph.remote import open_location

    try:
        store = open_location(settings.store, read_only=read_only,
                              update_url=settings.store_update_url,
                              graph_url=settings.store_graph_url)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    finally:
        store.close()


store_option = click.option(
    "--store", "store", default=None, metavar="DIR|URL",
    help="Store folder, or the query URL of a SPARQL 1.1 server (setting store, env KG_STORE).")


#: Entry-point group through which other packages add commands (``serve`` and ``demo``
#: come from :mod:`server.cli`): the ``kg`` package never imports the server.
COMMAND_GROUP = "conflict_kg.commands"


class PluginGroup(click.Group):
    """A command group that also lists the commands installed under :data:`COMMAND_GROUP`."""

    def _plugins(self) -> dict[str, Any]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group=COMMAND_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and (entry := self._plugins().get(cmd_name)) is not None:
            command = entry.load()
        return command


@click.group(name="kg", cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Settings (defaults < config file < KG_* env < flags):\n\n\b\n"
             + settings_help())
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TOML config file (default: KG_CONFIG or ~/.config/conflict-kg/config.toml).")
@click.version_option(__version__, prog_name="conflict-kg")
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """conflict-kg: turn conflict reporting into a knowledge graph you can query."""
    ctx.obj = {"config": config}


# --------------------------------------------------------------------------- ingest


def print_summary(summary: Any) -> None:
    click.echo(f"reports ingested: {summary.reports} ({summary.replaced} replaced)")
    if getattr(summary, "skipped", 0):
        click.echo(f"reports skipped: {summary.skipped} (already in the store, unchanged; "
                   "--force re-does them)")
    click.echo(f"events: {summary.events}"
               + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(summary.events_by_type.items()))
                  + ")" if summary.events_by_type else ""))
    click.echo(f"entities mentioned: {summary.entities}")
    click.echo(f"quads written: {summary.quads_written} (net change {summary.quads_added:+d})")
    if summary.failures:
        click.echo(f"failures: {len(summary.failures)}", err=True)
        for failure in summary.failures:
            click.echo(f"  {failure}", err=True)


def ingest_sources(store: GraphStore, paths: list[str], options: Any, settings: Settings,
                   *, force: bool = False) -> Any:
    from concurrent.futures.process import BrokenProcessPool

    from kg.pipeline.cluster import ClusterError
    from kg.pipeline.ingest import count_reports, ingest_paths
    from kg.pipeline.ledger import Ledger, ledger_path
    from kg.pipeline.progress import Progress
    from ontology.validation import report_validator

    check = report_validator(store) if settings.validate_on_ingest else None
    total = count_reports(paths)
    progress = Progress(total, sys.stderr, tty=sys.stderr.isatty())
    ledger_file = settings.ledger or ledger_path(settings.store)
    try:
        ledger = Ledger(ledger_file)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    with ledger:
        try:
            summary = ingest_paths(store, paths, options, jobs=settings.jobs, expected=total,
                                   reports_per_job=settings.reports_per_job, validate=check,
                                   ledger=ledger, force=force, progress=progress,
                                   cluster=settings.cluster)
        except ClusterError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenProcessPool:
            raise click.ClickException(
                "an extraction process died (out of memory?). The reports stored so far "
                "are in the ledger: run the same command again to continue.") from None
    progress.finish(summary)
    return summary


def _send_to_server(server: str, token: str | None, paths: list[str], options: Any) -> Any:
    from kg.pipeline.ingest import read_documents
    from kg.pipeline.remote import RemoteError, send_reports

    if not token:
        raise click.UsageError("--server needs the server's write token: --token or KG_WRITE_TOKEN")
    items = read_documents(paths, options)
    with click.progressbar(items, label=f"Sending to {server}", file=sys.stderr,
                           show_pos=True) as bar:
        try:
            return send_reports(server, token, bar)
        except RemoteError as exc:
            raise click.ClickException(str(exc)) from None


def report_inputs(command: Callable[..., Any]) -> Callable[..., Any]:
    """The arguments and options of commands that read report files."""
    for decorator in reversed((
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str)),
        click.option("--published", default=None, metavar="DATE",
                     help="Publication date (YYYY-MM-DD) for reports that carry none."),
        click.option("--lang", type=click.Choice(["auto", "ar", "en"]), default=None,
                     help="Language of the reports (setting lang)."),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of the files (e.g. cp1256 for Windows Arabic)."),
    )):
        command = decorator(command)
    return command


def _read_options(settings: Settings, published: str | None, encoding: str) -> Any:
    from kg.pipeline.ingest import ReadOptions, parse_date

    try:
        return ReadOptions(published=parse_date(published), lang=settings.lang,
                           max_bytes=settings.max_report_bytes, encoding=encoding)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--published") from None


@main.command()
@report_inputs
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--validate/--no-validate", default=None,
              help="Check each report's graph against the SHACL shapes before storing it "
                   "(setting validate_on_ingest); reports that do not conform are rejected.")
@click.option("--server", default=None, metavar="URL",
              help="Send the reports to a running `kg serve` that takes writes "
                   "instead of opening the store.")
@click.option("--token", default=None,
              help="Write token of that server (setting write_token, env KG_WRITE_TOKEN).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Processes that extract reports (setting jobs; 0, the default: one per CPU).")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Extract on a Dask cluster (setting cluster): a scheduler address, or 'local' "
                   "for a cluster of --jobs processes here. Needs conflict-kg[cluster].")
@click.option("--force", is_flag=True,
              help="Extract and store every report, also those the ledger has as done.")
@store_option
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], published: str | None, lang: str | None,
           encoding: str, as_json: bool, validate: bool | None, server: str | None,
           token: str | None, jobs: int | None, cluster: str | None, force: bool,
           store: str | None) -> None:
    """Extract reports from files or folders into the store, one named graph each.

    PATHS are .txt, .md, .html, .json or .jsonl files, or folders of them. A JSONL
    file holds one report per line: {"text": …, "url", "title", "published",
    "source", "lang"}. Exits with 1 when some reports failed (they are listed).

    A ledger beside the store records each report stored (its key, a hash of its
    content and the pipeline version): ingesting the same files again skips the
    reports already done and re-does those that changed, so a batch that was stopped
    continues where it stopped. --force re-does all.
    """
    settings = settings_for(ctx, store=store, lang=lang, validate_on_ingest=validate, jobs=jobs,
                            cluster=cluster)
    options = _read_options(settings, published, encoding)
    if server:
        summary = _send_to_server(server, token or settings.write_token, list(paths), options)
    else:
        with opened_store(settings) as opened:
            summary = ingest_sources(opened, list(paths), options, settings, force=force)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_summary(summary)
    ctx.exit(0 if summary.ok else 1)


# --------------------------------------------------------------------------- query

_RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")


def _query_text(text: str) -> str:
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot read {path}: {exc.strerror}") from None
    if text == "-":
        return sys.stdin.read()
    return text


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(_RESULT_FORMATS), default="table",
              show_default=True, help="Output format (graphs are printed as N-Triples).")
@click.option("--no-union", is_flag=True,
              help="Default graph is the store's default graph, not the union of all graphs.")
@store_option
@click.pass_context
def query(ctx: click.Context, sparql: str, fmt: str, no_union: bool, store: str | None) -> None:
    """Run a SPARQL query (text, @file.rq or - for stdin) against the store."""
    from kg.graph.query import render_result

    settings = settings_for(ctx, store=store)
    text = _query_text(sparql)
    with opened_store(settings) as opened:
        try:
            result = opened.query(text, union_default_graph=not no_union)
            output = render_result(result, fmt)
        except SyntaxError as exc:
            raise click.ClickException(f"invalid SPARQL: {exc}") from None
    click.echo(output, nl=not output.endswith("\n"))


# --------------------------------------------------------------------------- stats


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@store_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool, store: str | None) -> None:
    """Reports, events by type, actors, places, quads and size of the store."""
    from kg.graph.query import store_stats

    settings = settings_for(ctx, store=store)
    with opened_store(settings) as opened:
        data = store_stats(opened)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"store: {data['store']}")
    click.echo(f"reports: {data['reports']}")
    click.echo(f"events: {data['events']}")
    for name, count in data["events_by_type"].items():
        click.echo(f"  {name}: {count}")
    click.echo(f"actors: {data['actors']}")
    click.echo(f"places: {data['places']}")
    click.echo(f"named graphs: {data['graphs']}")
    click.echo(f"quads: {data['quads']}")
    click.echo(f"size on disk: {data['size_bytes'] / 1e6:.1f} MB")


def sample_paths() -> list[Path]:
    """The bundled sample reports (a folder)."""
    return [Path(str(resources.files("kg").joinpath("samples")))]


# --------------------------------------------------------------------------- export / import
# (owned by the export engineer: thin wrappers over kg.exchange.export and kg.exchange.importer)

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@main.command()
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="nq, trig, nt, ttl, jsonld, rdfxml, acled (CSV) or geojson "
                   "(default: from the file name, else nq).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file; a name ending in .gz is compressed (default: standard output).")
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help="Named graph to export.")
@click.option("--report", "reports", multiple=True, metavar="KEY",
              help="Report key (or report graph IRI).")
@click.option("--source", "sources", multiple=True, help="Publisher of the reports.")
@click.option("--since", type=_DATE, default=None, help="Events on or after this date.")
@click.option("--until", type=_DATE, default=None, help="Events on or before this date.")
@click.option("--place", "places", multiple=True, metavar="IRI-OR-NAME",
              help="Events in this place or any place located in it.")
@click.option("--type", "types", multiple=True, metavar="EVENT-TYPE",
              help="Event type, e.g. Raid or Airstrike.")
@click.option("--with-kb", is_flag=True, help="With filters: also export the knowledge-base graph.")
@click.option("--label-lang", type=click.Choice(["en", "ar"]), default="en", show_default=True,
              help="Language of names in acled/geojson tables (falls back to the other).")
@click.option("--dataset", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write a publishable package (data, tables, VoID/DCAT, ontology, README) "
                   "into this new folder.")
@click.option("--title", default=None, help="Dataset title (with --dataset).")
@click.option("--licence", default=None, help="Licence IRI of the data (with --dataset).")
@click.option("--publisher", default=None, help="Publisher name or IRI (with --dataset).")
@store_option
@click.pass_context
def export(ctx: click.Context, fmt: str | None, output: Path | None, graphs: tuple[str, ...],
           reports: tuple[str, ...], sources: tuple[str, ...], since: Any, until: Any,
           places: tuple[str, ...], types: tuple[str, ...], with_kb: bool, label_lang: str,
           dataset: Path | None, title: str | None, licence: str | None,
           publisher: str | None, store: str | None) -> None:
    """Export the store, or the graphs/events the filters choose, as RDF or tables."""
    from kg.exchange.export import ExportError, export_dataset
    from kg.exchange.export import export as run_export
    from kg.exchange.selection import Selection

    selection = Selection(graphs=graphs, reports=reports, sources=sources,
                          since=since.date() if since else None,
                          until=until.date() if until else None,
                          places=places, types=types, include_kb=with_kb)
    settings = settings_for(ctx, store=store)
    with opened_store(settings) as opened:
        try:
            if dataset is not None:
                if output is not None:
                    raise click.UsageError("give either --dataset DIR or -o FILE, not both")
                package = export_dataset(opened, dataset, fmt=fmt or "nq", selection=selection,
                                         title=title, licence=licence, publisher=publisher)
                click.echo(f"wrote {package.folder}: {len(package.files)} files, "
                           f"{package.quads} quads, {package.events} events", err=True)
                return
            result = run_export(opened, output, fmt=fmt, selection=selection,
                                label_lang=label_lang)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
    if result.path is not None:
        unit = "rows" if result.format in ("acled", "geojson") else "quads"
        click.echo(f"wrote {result.path} ({result.format}, {result.items} {unit})", err=True)


@main.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="nq, trig, nt, ttl, jsonld or rdfxml (default: from the file name; .gz ok).")
@click.option("--graph", default=None, metavar="IRI",
              help="Named graph for the triples of a triple format (default: the default graph).")
@click.option("--merge", is_flag=True,
              help="Add to graphs of the same name instead of replacing them.")
@store_option
@click.pass_context
def import_command(ctx: click.Context, file: Path, fmt: str | None, graph: str | None,
                   merge: bool, store: str | None) -> None:
    """Load an RDF file (e.g. a `kg export`) or a `kg export --dataset` folder into the store."""
    from kg.exchange.importer import ImportFileError, import_file

    settings = settings_for(ctx, store=store)
    with opened_store(settings) as opened:
        try:
            result = import_file(opened, file, fmt=fmt, graph=graph, replace=not merge)
        except (ImportFileError, StoreError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"imported {result.quads} quads from {result.path} ({result.format}) into "
               f"{len(result.graphs)} named graphs ({len(result.replaced)} replaced)")


# --------------------------------------------------------------------------- settings


@main.command(name="settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """Show every setting, its value and where the value came from."""
    settings = settings_for(ctx)
    for name, value in settings.as_dict().items():
        if name == "write_token" and value:
            value = "***"
        click.echo(f"{name} = {value!r}  [{settings.sources[name]}]")


# --------------------------------------------------------------------------- eval


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["auto", "ar", "en"]), default=None,
              help="Language of every report (default: each gold record's lang).")
@click.option("--json", "as_json", is_flag=True, help="Print metrics and diffs as JSON.")
@click.option("--no-diff", is_flag=True, help="Print the metrics table only.")
@click.option("--texts", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of texts kept out of version control (setting corpus_dir).")
@click.pass_context
def eval_command(ctx: click.Context, gold: Path, lang: str | None, as_json: bool,
                 no_diff: bool, texts: Path | None) -> None:
    """Extract the reports of GOLD (a *.gold.jsonl file) and score them against it.

    A report's text_file is looked for next to GOLD, then in the local corpus folder
    (LANG/ID.txt); reports whose text is in neither are left out and counted.
    """
    from kg.pipeline.evaluation import EvalFormatError, evaluate

    folder = texts or Path(settings_for(ctx).corpus_dir)
    try:
        result = evaluate(gold, lang=lang, texts=folder)
    except EvalFormatError as err:
        raise click.ClickException(str(err)) from err
    except ImportError as err:
        raise click.ClickException(f"the extractor is not available: {err}") from err
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.format_table(diffs=not no_diff))


@main.group(name="corpus")
def corpus_group() -> None:
    """The real-news evaluation corpus: gold and manifest in a folder, texts kept apart."""


@corpus_group.command(name="check")
@click.argument("folders", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--texts", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the texts (setting corpus_dir).")
@click.pass_context
def corpus_check(ctx: click.Context, folders: tuple[Path, ...], texts: Path | None) -> None:
    """Validate corpus FOLDERS (manifest.jsonl, dev/test gold) and the texts present.

    Checks every gold record's types, roles, statuses, counts and dates, and, where its
    text is present, that its places, actors and sources occur in it. Exits with 1 on
    any problem; missing texts are counted, not problems.
    """
    from kg.pipeline.corpus import CorpusError, check_folder

    corpus_dir = texts or Path(settings_for(ctx).corpus_dir)
    failed = False
    for folder in folders:
        try:
            found = check_folder(folder, corpus_dir)
        except (CorpusError, OSError) as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"{folder}:")
        for line in found.lines():
            click.echo(f"  {line}")
        failed = failed or not found.ok
    if failed:
        ctx.exit(1)


@corpus_group.command(name="build")
@click.argument("records", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "folder", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The corpus folder to write (manifest.jsonl, dev/test gold).")
def corpus_build(records: tuple[Path, ...], folder: Path) -> None:
    """Write a corpus folder from annotators' RECORDS files (JSONL: gold + manifest facts).

    Each report goes to dev or test by a hash of its URL, so adding reports never moves
    one already split. The texts stay where they are: nothing of them is written.
    """
    from kg.pipeline.corpus import CorpusError, build_folder

    rows = []
    for path in records:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise click.ClickException(f"{path}:{number}: not JSON ({err.msg})") from err
    try:
        counts = build_folder(rows, folder)
    except CorpusError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {folder}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@corpus_group.command(name="add")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("report_id")
@click.argument("file", type=click.File("rb"))
@click.option("--texts", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the texts (setting corpus_dir).")
@click.pass_context
def corpus_add(ctx: click.Context, folder: Path, report_id: str, file: Any,
               texts: Path | None) -> None:
    """Store a re-gathered excerpt (FILE, or - for standard input) of REPORT_ID.

    The text is kept only when its SHA-256 is the one in FOLDER's manifest, so the
    scores are always computed on the text that was annotated.
    """
    from kg.pipeline.corpus import CorpusError, add_text, read_manifest

    try:
        entry = read_manifest(folder).get(report_id)
        if entry is None:
            raise click.ClickException(f"{report_id} is not in {folder}/manifest.jsonl")
        path = add_text(entry, file.read(), texts or Path(settings_for(ctx).corpus_dir))
    except CorpusError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"stored {path}")


# --------------------------------------------------------------------------- extract


@main.command(name="extract")
@report_inputs
@click.option("--json", "as_json", is_flag=True,
              help="One JSON line per report in the EVAL_FORMAT schema (with confidences "
                   "and spans).")
@click.pass_context
def extract_command(ctx: click.Context, paths: tuple[str, ...], published: str | None,
                    lang: str | None, encoding: str, as_json: bool) -> None:
    """Print the events found in report files, without touching the store.

    Exits with 1 when some reports could not be read or extracted (they are listed
    on stderr; the others are printed).
    """
    from extractors.summary import describe_report
    from kg.pipeline.evaluation import to_eval_record
    from kg.pipeline.ingest import IngestFailure, Processor, read_documents

    settings = settings_for(ctx, lang=lang)
    options = _read_options(settings, published, encoding)
    processor = Processor()
    failed = 0
    for item in read_documents(list(paths), options):
        if isinstance(item, IngestFailure):
            failed += 1
            click.echo(f"{item.origin}: {item.reason}", err=True)
            continue
        try:
            report = processor(item)
        except Exception as exc:  # noqa: BLE001 - one bad report must not stop the batch
            failed += 1
            click.echo(f"{item.origin}: extraction failed: {type(exc).__name__}: {exc}",
                       err=True)
            continue
        if as_json:
            record = to_eval_record(report, kb=processor.kb)
            record["origin"] = item.origin
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(describe_report(report))
    ctx.exit(1 if failed else 0)


# --------------------------------------------------------------------------- link


@main.command(name="link")
@click.argument("names", nargs=-1)
@click.option("--kind", type=click.Choice(["place", "actor", "person", "operation", "outlet",
                                           "facility"]), default="place", show_default=True,
              help="Kind of the NAMES to resolve.")
@click.option("--context", default=None, help="Text the NAMES were read from (cues, governorates).")
@click.option("--online", is_flag=True,
              help="Look up the store's unlinked entities in the Wikidata API (opt-in).")
@click.option("--limit", type=int, default=None, help="With --online: at most this many entities.")
@click.option("--quickstatements", is_flag=True,
              help="Print statements Wikidata could take from the store, as QuickStatements.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --quickstatements: output file (default: standard output).")
@store_option
@click.pass_context
def link_command(ctx: click.Context, names: tuple[str, ...], kind: str, context: str | None,
                 online: bool | None, limit: int | None, quickstatements: bool,
                 output: Path | None, store: str | None) -> None:
    """Resolve NAMES against the knowledge base, or work on the store's links.

    With NAMES: print the entity each resolves to (or NIL), its chain and confidence.
    With --online: reconcile the store's unlinked entities with Wikidata (opt-in;
    needs network access to the setting wikidata_api). With --quickstatements: list
    statements about linked places, each citing a report URL.
    """
    from kg.linking.kb import load_kb
    from kg.linking.link import describe

    settings = settings_for(ctx, store=store, online=True if online else None)
    kb = load_kb()
    for name in names:
        click.echo(json.dumps(describe(name, kind, context, kb=kb,
                                       threshold=settings.link_threshold), ensure_ascii=False))
    if online:
        from kg.linking.wikidata import WikidataClient, WikidataError, reconcile_store

        client = WikidataClient(settings.wikidata_api, settings.wikidata_cache,
                                min_interval=settings.wikidata_min_interval)
        with opened_store(settings) as opened:
            try:
                summary = reconcile_store(opened, kb, client, limit=limit)
            except WikidataError as exc:
                raise click.ClickException(str(exc)) from None
        click.echo(f"entities considered: {summary.considered}, linked: {len(summary.linked)}, "
                   f"API requests: {summary.fetched} (+{summary.cached} from cache)")
        for iri, qid in summary.linked.items():
            click.echo(f"  {iri} -> {qid}")
    if quickstatements:
        from kg.linking.wikidata import quickstatements as statements

        with opened_store(settings, read_only=True) as opened:
            lines = list(statements(opened, kb))
        text = "".join(line + "\n" for line in lines)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if not (names or online or quickstatements):
        raise click.UsageError("give NAMES, --online or --quickstatements")



# --------------------------------------------------------------------------- validate, reason
# (ontology: thin wrappers over ontology.validation and ontology.reasoning)


@main.command(name="validate")
@click.option("--graph", "graph", default=None, metavar="IRI",
              help="Check only this named graph (e.g. one report); the KB graph is context.")
@store_option
@click.pass_context
def validate_command(ctx: click.Context, graph: str | None, store: str | None) -> None:
    """Check the store against the ontology's SHACL shapes and closed vocabulary.

    Prints one line per violation (focus node, path, message, value), then a summary.
    The inferred and ontology graphs are not checked. Exits with 1 on violations.
    """
    from ontology.validation import iter_lines, validate_store

    settings = settings_for(ctx, store=store)
    with opened_store(settings, read_only=True) as opened:
        try:
            report = validate_store(opened, graph)
        except KeyError:
            raise click.BadParameter(f"no graph {graph} in the store",
                                     param_hint="--graph") from None
    for line in iter_lines(report):
        click.echo(line)
    ctx.exit(0 if report.conforms else 1)


@main.command(name="reason")
@click.option("--consistency/--no-consistency", default=False, show_default=True,
              help="First check the ontology with HermiT (needs Java; skipped without it).")
@store_option
@click.pass_context
def reason_command(ctx: click.Context, consistency: bool, store: str | None) -> None:
    """Materialise what the ontology entails into the inferred graph.

    Types implied by roles and by the class hierarchy, the located-in closure, where
    events occurred (ckg:occurredIn), operation membership (transitive ckg:partOf),
    direct roles from qualified participations. Replaces the inferred graph in one
    transaction; report graphs are never touched. Exits with 1 if HermiT finds the
    ontology inconsistent.
    """
    from ontology.reasoning import check_consistency, materialise

    if consistency:
        result = check_consistency()
        click.echo(f"HermiT: {result.message}", err=not result.checked)
        if result.checked and not result.ok:
            ctx.exit(1)
    settings = settings_for(ctx, store=store)
    with opened_store(settings) as opened:
        summary = materialise(opened)
    for line in summary.lines():
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
