"""The ``c360`` command line: what users and scripts rely on (DESIGN.md §4)."""

from __future__ import annotations

import errno
import getpass
import json
import logging
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import pipeline
from cli.analyst import register as register_analyst
from cli.exports import register as register_exports
from cli.marketing import print_locate, print_scores
from cli.marketing import register as register_marketing
from cli.quality import register as register_quality
from cli.rights import TicketOption
from cli.rights import register as register_rights
from cli.sync import sync_app
from graph import C360Error, InputError, PortInUseError, Settings, open_graph
from graph.embedded import DATABASE, USER, EmbeddedServer
from graph.home import owner_only
from graph.spreadsheet import write_csv
from loaders.mapping import SourceMapping
from loaders.run import LoadSummary, plan
from privacy.subject_access import Requester, format_of, subject_access, write
from resolution import ResolutionSummary, charts
from resolution.charts import explanation_html
from resolution.explain import Waterfall
from resolution.explain import explain as explain_records
from resolution.rules import rules_in_use
from scoring.score import score_customers

app = typer.Typer(help="c360: one customer graph from every source.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Run the embedded graph store.", no_args_is_help=True)
export_app = typer.Typer(help="Export results.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(export_app, name="export")
app.add_typer(sync_app, name="sync")

register_marketing(app)
register_exports(export_app)
register_analyst(app)
register_rights(app)
register_quality(app)

out = Console()
err = Console(stderr=True)
_options = {"debug": False}


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    _options["debug"] = debug
    if not debug:  # the driver's account of each lost connection and retry: c360 gives the outcome in one line
        driver_log = logging.getLogger("neo4j")
        driver_log.addHandler(logging.NullHandler())
        driver_log.propagate = False


class Corruption(StrEnum):
    NONE = "none"
    DEFAULT = "default"
    HEAVY = "heavy"


# -- data ------------------------------------------------------------------------------------------------
@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to write the source files into.")],
    customers: Annotated[int, typer.Option(min=1, help="Number of distinct people.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 42,
    corruption: Annotated[Corruption, typer.Option(help="How badly sources write people down: none (clean "
                                                        "copies), default or heavy (docs/synthetic.md).")
                          ] = Corruption.DEFAULT,
    identifiers: Annotated[bool, typer.Option("--identifiers/--no-identifiers", help="Without identifiers, "
                                              "customer sources hold names, birth dates and addresses only."
                                              )] = True,
) -> None:
    """Write realistic synthetic sources of every kind, their mappings and the ground truth.

    Customers in a CRM (CSV), a web shop (JSONL) and a loyalty scheme (CSV), stores (XLSX), transactions,
    web events, tickets and consents; truth.csv and events_truth.csv say which person is behind each row.
    """
    from synthetic import generate as generate_sources
    from synthetic.corruption import Corruption as Profile

    profile = {"none": Profile.none, "default": Profile.default, "heavy": Profile.heavy}[corruption.value]()
    summary = generate_sources(customers, out_dir, seed=seed, corruption=profile, identifiers=identifiers)
    rows = ", ".join(f"{name} {count:,}" for name, count in summary.records.items())
    out.print(f"generated {summary.people:,} people in {out_dir}: {rows}")


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (each file with its .toml mapping).")],
    mapping: Annotated[Path | None, typer.Option(help="Mapping for a single file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
) -> None:
    """Validate and load source files; rejected rows go to the reject file with their reason."""
    settings = Settings()
    pairs = plan(paths, mapping)
    with open_graph(settings) as graph:
        loaded = pipeline.load(graph, pairs, settings.home, _file_progress(quiet))
    _print_loads(loaded.files)
    if loaded.located.customers or loaded.located.shoppers:
        print_locate(loaded.located)


def _file_progress(quiet: bool) -> pipeline.ProgressFor:
    def progress(path: Path, source: SourceMapping) -> AbstractContextManager[Callable[[int], None] | None]:
        return _progress(f"{source.source.name} ({path.name})", _count_lines(path), quiet)

    return progress


RulesOption = Annotated[Path | None, typer.Option("--rules", help="Identity rules (TOML); default "
                                                 "$C360_HOME/rules.toml if present, else the shipped rules.")]


@app.command("resolve")
def resolve_command(
    rules_file: RulesOption = None,
    full: Annotated[bool, typer.Option("--full", help="Recompute every component, not only what changed.")] = False,
    refit: Annotated[bool, typer.Option("--refit", help="Retrain the matching model (kept between runs).")] = False,
    report: Annotated[bool, typer.Option("--report", help="Then list every identifier value kept from "
                                                          "linking, why, and how many records it would join.")] = False,
    model_report: Annotated[Path | None, typer.Option("--model-report", help="Then write the matching model's "
                                                      "match-weight and m/u charts (HTML) into this directory."
                                                      )] = None,
) -> None:
    """Resolve identities: link records through trusted identifiers and probabilistic matches, write profiles.

    After the first run only the components touched by new or changed records are recomputed.
    """
    settings = Settings()
    with open_graph(settings) as graph:
        resolved = pipeline.resolve(graph, rules_in_use(settings.home, rules_file), full=full, refit=refit,
                                    cache_dir=settings.home / "cache", engine=settings.c360_match_backend)
        blocked = graph.read("resolve_blocked_report") if report else []
        stored = graph.read("match_model_read") if model_report else []
    _print_resolution(resolved.resolution)
    print_locate(resolved.located)
    if report:
        _print_blocked(blocked, resolved.resolution)
    if model_report:
        if not stored:
            raise InputError("no matching model: matching is disabled in the rules", "model_report")
        for path in charts.model_report(json.loads(stored[0]["parameters"]), model_report):
            out.print(f"wrote {path}", markup=False)


def _print_blocked(rows: list[dict[str, Any]], summary: ResolutionSummary) -> None:
    table = Table(title=f"identifier values kept from linking ({len(rows):,})")
    for column in ("identifier", "type", "reason", "records", "profiles"):
        table.add_column(column, justify="right" if column in ("records", "profiles") else "left")
    for row in rows:
        table.add_row(row["key"], row["type"], row["reason"], f"{row['records']:,}", f"{row['profiles']:,}")
    out.print(table)
    out.print(f"conflicts: {summary.components_split:,} components split, {summary.links_cut:,} links cut "
              "to keep records with different exclusive identifiers or a manual split apart")


@app.command()
def explain(
    record_a: Annotated[str, typer.Argument(help="A source record key, SOURCE:SOURCE_ID.")],
    record_b: Annotated[str, typer.Argument(help="Another one.")],
    rules_file: RulesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the waterfall chart of the match "
                                                             "weights (an HTML page that opens offline).")] = None,
) -> None:
    """Show the chain of evidence joining two records, or why they are apart, with every match weight."""
    settings = Settings()
    with open_graph(settings) as graph:
        result = explain_records(graph, record_a, record_b, rules_in_use(settings.home, rules_file))
        chart = explanation_html(graph, result) if html else None
    if html:
        if chart is None:
            raise InputError("no probabilistic match to chart: no model was trained yet, or the records are "
                             "joined by identifiers and decisions only", "html")
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(chart, encoding="utf-8")
    if as_json:
        out.print_json(json.dumps({**asdict(result), "together": result.together}, default=str))
        return
    verdict = (f"same customer {result.customer_a}" if result.together
               else f"different customers: {result.customer_a or 'unresolved'} and {result.customer_b or 'unresolved'}")
    out.print(f"{record_a} and {record_b}: {verdict}", markup=False)
    for hop in result.hops:
        score = f" probability {hop.score:.4f}" if hop.score is not None and hop.evidence == "SIMILAR_TO" else ""
        trust = f" trust {hop.score:.2f}" if hop.score is not None and hop.evidence != "SIMILAR_TO" else ""
        out.print(f"  {hop.left} -- {hop.evidence} ({hop.rule}{score}{trust}) -- {hop.right}", markup=False)
        if hop.waterfall is not None:
            _print_waterfall(hop.waterfall, "      ")
    for reason in result.reasons:
        out.print(f"  apart: {reason}", markup=False)
    if result.pair is not None and not result.together:
        out.print("  the model's score of the pair now (without frequency adjustments):")
        _print_waterfall(result.pair, "      ")
    if html:
        out.print(f"waterfall chart written to {html}", markup=False)


def _print_waterfall(waterfall: Waterfall, indent: str) -> None:
    """The prior, then each comparison that says something, then the sum and its probability."""
    out.print(f"{indent}{'prior (share of matching pairs)':<52}{waterfall.prior:+8.2f}", markup=False)
    missing = []
    for weight in waterfall.weights:
        if weight.level == "missing on one side":
            missing.append(weight.comparison)
            continue
        frequency = f"  (frequency {weight.frequency_adjustment:+.2f})" if weight.frequency_adjustment else ""
        label = f"{weight.comparison}: {weight.level}"
        out.print(f"{indent}{label:<52}{weight.weight:+8.2f}{frequency}", markup=False)
    if missing:
        out.print(f"{indent}{'missing on one side: ' + ', '.join(missing):<52}{0:+8.2f}", markup=False)
    out.print(f"{indent}{'= match weight':<52}{waterfall.match_weight:+8.2f}  →  probability "
              f"{waterfall.probability:.4f}", markup=False)


DecisionBy = Annotated[str, typer.Option("--by", help="Who decides (name or staff id).")]
DecisionWhy = Annotated[str, typer.Option("--why", help="Why, for the audit trail.")]


@app.command()
def split(
    record_a: Annotated[str, typer.Argument(help="A source record key, SOURCE:SOURCE_ID.")],
    record_b: Annotated[str, typer.Argument(help="A record that is another person.")],
    by: DecisionBy, why: DecisionWhy, rules_file: RulesOption = None,
) -> None:
    """Record that two records are different people; this and every later run keeps them apart."""
    _decide(record_a, record_b, False, by, why, rules_file)


@app.command()
def merge(
    record_a: Annotated[str, typer.Argument(help="A source record key, SOURCE:SOURCE_ID.")],
    record_b: Annotated[str, typer.Argument(help="A record of the same person.")],
    by: DecisionBy, why: DecisionWhy, rules_file: RulesOption = None,
) -> None:
    """Record that two records are the same person; this and every later run keeps them together."""
    _decide(record_a, record_b, True, by, why, rules_file)


def _decide(a: str, b: str, same: bool, by: str, why: str, rules_file: Path | None) -> None:
    settings = Settings()
    with open_graph(settings) as graph:
        resolved = pipeline.decide(graph, a, b, same=same, by=by, why=why,
                                   rules=rules_in_use(settings.home, rules_file), cache_dir=settings.home / "cache")
    out.print(f"{'merged' if same else 'split'} {a} and {b} (recorded by {by})", markup=False)
    _print_resolution(resolved.resolution)
    print_locate(resolved.located)


# -- erasure --------------------------------------------------------------------------------------------
@app.command()
def erase(
    why: Annotated[str, typer.Option("--why", help="Why, for the audit trail (say which request; no personal "
                                                   "data: it is kept).")],
    customer: Annotated[str | None, typer.Option("--customer", help="The customer id to erase.")] = None,
    record: Annotated[str | None, typer.Option("--record", help="A source record key, SOURCE:SOURCE_ID: the "
                                                                "customer holding it is erased.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who erases (default: the system user).")] = None,
    ticket: TicketOption = None,
) -> None:
    """Erase a person (GDPR art. 17): every personal value leaves the graph and C360_HOME, and later loads
    refuse their rows. Non-personal facts (amounts, times, statuses) stay, anonymous (docs/privacy.md)."""
    import getpass

    from privacy import requests
    from privacy.erase import erase as erase_person

    settings = Settings()
    who = by or getpass.getuser()
    with open_graph(settings) as graph:
        if ticket is not None:
            if customer is None:
                raise typer.BadParameter("a ticket is answered for a customer: give --customer", param_hint="--ticket")
            requests.check_ticket(graph, ticket, customer)
        done = erase_person(graph, settings.home, by=who, why=why, customer_id=customer, record_key=record)
        if ticket is not None:
            requests.close(graph, ticket, done.tombstone, by=who, why=f"erased: audit {done.audit_id}")
    what = "customer" if done.customer_erased else "unresolved record"
    out.print(f"erased one {what} in {done.seconds:.1f}s; tombstone {done.tombstone}, audit {done.audit_id}"
              + (f"; ticket {ticket} closed" if ticket else ""), markup=False)
    for name, count in sorted(done.counts.items()):
        out.print(f"  {name.replace('_', ' '):<16} {count:>8,}", markup=False)


# -- retention ------------------------------------------------------------------------------------------
@app.command("retention")
def retention_command(
    apply: Annotated[bool, typer.Option("--apply/--dry-run", help="Delete what the rules remove, or (the "
                                                                 "default) only list it.")] = False,
    rules_file: Annotated[Path | None, typer.Option("--rules", help="Retention rules (TOML); default "
                                                    "$C360_HOME/retention.toml if present, else the shipped "
                                                    "rules.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Ages are counted back from this day or instant "
                                              "(YYYY-MM-DD, UTC; default now): give a dry run's --as-of to "
                                              "apply exactly what it listed.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who runs it (default: the system user).")] = None,
) -> None:
    """Delete events past their age and erase customers inactive for too long, per the retention rules;
    every run, dry or not, is audited as a RetentionRun (docs/privacy.md, "Retention")."""
    from privacy.retention import retention
    from privacy.retention_rules import retention_rules_in_use

    settings = Settings()
    rules = retention_rules_in_use(settings.home, rules_file)
    with open_graph(settings) as graph:
        done = retention(graph, settings.home, rules, apply=apply, by=by or getpass.getuser(),
                         as_of=_instant(as_of) if as_of else None)
    verb = "removed" if done.applied else "would remove (dry run)"
    table = Table(title=f"retention as of {done.as_of:%Y-%m-%d %H:%M} UTC: {verb}")
    for column in ("rule", "age", "older than", "count", "oldest", "newest"):
        table.add_column(column, justify="right" if column == "count" else "left", no_wrap=True)
    for r in done.rules:
        table.add_row(r.rule, r.age, f"{r.before:%Y-%m-%d}", f"{r.count:,}",
                      f"{r.oldest:%Y-%m-%d}" if r.oldest else "-", f"{r.newest:%Y-%m-%d}" if r.newest else "-")
    out.print(table)
    out.print(f"  run {done.run_id}, {done.seconds:.1f}s", markup=False)
    if done.applied:
        out.print(f"  then: {done.ticket_notes:,} ticket notes, {done.identifiers:,} identifiers no record or "
                  "event uses any more")
    else:
        out.print("  a dry run: nothing was deleted; run again with --apply (and the same --as-of)")


def _instant(text: str) -> datetime:
    """A day (its midnight, UTC) or an ISO instant (UTC when it names no offset)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not a day (YYYY-MM-DD) or an ISO instant", "as_of") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@export_app.command("clusters")
def export_clusters(out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")]) -> None:
    """Write source,source_id,customer_id for every resolved record."""
    with open_graph(Settings()) as graph:
        rows = graph.read("export_clusters")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w", newline="", encoding="utf-8") as handle:
        write_csv(handle, ["source", "source_id", "customer_id"], rows)
    out.print(f"wrote {len(rows):,} records of {len({r['customer_id'] for r in rows}):,} customers to {out_file}")


@export_app.command("schema")
def export_schema(out_file: Annotated[Path, typer.Option("--out", help="File to write.")] = Path("api/schema.graphql"),
                  ) -> None:
    """Write the GraphQL schema (SDL) that front-ends build against; a test fails when it changes unnoticed."""
    from api.schema import schema_text

    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(schema_text(), encoding="utf-8")
    out.print(f"wrote the GraphQL schema to {out_file}")


class ExportFormat(StrEnum):
    JSON = "json"
    HTML = "html"


@app.command("subject-access")
def subject_access_command(
    customer: Annotated[str, typer.Option("--customer", help="The customer's id.")],
    out_files: Annotated[list[Path], typer.Option("--out", help="File to write; repeat to write both formats.")],
    fmt: Annotated[ExportFormat | None, typer.Option("--format", help="json or html; default: each file's "
                                                                      "extension.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who produces the export (default: the login name).")
                  ] = None,
    rules_file: RulesOption = None,
    ticket: TicketOption = None,
) -> None:
    """Everything c360 holds about one person (GDPR art. 15 and 20), as JSON and/or a readable page (0600)."""
    from privacy import requests

    settings = Settings()
    formats = [format_of(path, fmt.value if fmt else None) for path in out_files]  # refused before any read
    requester = Requester(by or _login(), settings.c360_controller)
    with open_graph(settings) as graph:
        if ticket is not None:
            requests.check_ticket(graph, ticket, customer)
        document = subject_access(graph, customer, requester, rules_in_use(settings.home, rules_file),
                                  datetime.now(UTC))
        for path, chosen in zip(out_files, formats, strict=True):
            write(document, path, chosen)
            out.print(f"wrote {chosen} of customer {customer} ({document['counts']['records']} records, "
                      f"{document['counts']['transactions']} purchases) to {path} (owner-only)", markup=False)
        if ticket is not None:
            requests.close(graph, ticket, customer, by=requester.by, why="subject access answered")
            out.print(f"ticket {ticket} closed", markup=False)


# -- who looked at whom ----------------------------------------------------------------------------------
class LogFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command("access-log")
def access_log_command(
    customer: Annotated[str | None, typer.Option("--customer", help="The customer's id: who read their data.")
                        ] = None,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
                                                   help="Only reads since this date (UTC).")] = None,
    fmt: Annotated[LogFormat, typer.Option("--format", help="table or json.")] = LogFormat.TABLE,
    purge_old: Annotated[bool, typer.Option("--purge", help="Delete entries older than C360_ACCESS_LOG_DAYS "
                                                            "(the server does it at start and daily).")] = False,
) -> None:
    """Who read a customer's personal data through the API, and which parts, oldest first (docs/privacy.md)."""
    from privacy.access_log import entries, purge

    if customer is None and not purge_old:
        raise InputError("name the customer whose readers to show, or --purge", "customer")
    settings = Settings()
    with open_graph(settings) as graph:
        if purge_old:
            purged = purge(graph, settings.c360_access_log_days, datetime.now(UTC))
            out.print(f"purged {purged:,} access-log entries older than {settings.c360_access_log_days} days")
        if customer is None:
            return
        found = entries(graph, customer, since.replace(tzinfo=since.tzinfo or UTC) if since else None)
    if fmt is LogFormat.JSON:
        out.print_json(data=[entry | {"at": entry["at"].isoformat()} for entry in found])
        return
    table = Table("at (UTC)", "subject", "role", "fields", "operation", title=f"who read customer {customer}")
    for entry in found:  # as plain text: a subject or an operation name is whatever a client sent
        table.add_row(*(Text(cell) for cell in (f"{entry['at'].astimezone(UTC):%Y-%m-%d %H:%M:%S}", entry["subject"],
                                                 entry["role"], ", ".join(entry["fields"]), entry["operation"] or "")))
    out.print(table if found else f"no API read of customer {customer} on record", markup=False)


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor the password database (a container)
        return "unknown"


# -- serving ---------------------------------------------------------------------------------------------
@app.command()
def token(
    role: Annotated[str, typer.Option(help="agent, analyst, marketing, dpo, admin or source.")],
    subject: Annotated[str, typer.Option(help="Who the token is for (shown in audit trails).")] = "local-user",
    hours: Annotated[float, typer.Option(min=0.01, max=24 * 365, help="Lifetime.")] = 8.0,
    source: Annotated[str | None, typer.Option(help="For --role source: the one source it may send rows for "
                                                    "(POST /ingest/<source>).")] = None,
) -> None:
    """Issue an API token for local use; send it as 'Authorization: Bearer <token>'."""
    from api.auth import issue_token, signing_key

    out.print(issue_token(signing_key(Settings()), role, subject, timedelta(hours=hours), source=source),
              soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (one Python process is bound "
                                                             "to one core).")] = 1,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql)."""
    _serve(Settings(), host, port, banner=None, workers=workers)


def _serve(settings: Settings, host: str, port: int, banner: Callable[[str], None] | None, workers: int = 1) -> None:
    import uvicorn

    from api.app import create_app
    from api.auth import signing_key

    signing_key(settings)  # a weak key stops the start here, before any worker process
    _ensure_port_free(host, port)
    url = f"http://{host}:{port}/graphql"
    out.print(f"GraphiQL: {url}  (Ctrl-C to stop)")
    if banner:
        banner(url)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    else:  # each worker process builds its app from the same environment
        _serve_workers(host, port, workers)


def _serve_workers(host: str, port: int, workers: int) -> None:
    """uvicorn's own multi-process supervisor over a listening socket made here.

    uvicorn binds that socket with ``proto=0``, so accepted connections keep Nagle's algorithm on and every
    keep-alive request after the first waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149); a socket opened
    with ``IPPROTO_TCP`` gets ``TCP_NODELAY`` from asyncio like the single-process server.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                            log_level="warning")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()


def _ensure_port_free(host: str, port: int) -> None:
    """Probed as uvicorn binds, with ``SO_REUSEADDR``: a server just stopped leaves its connections waiting
    for a minute (TIME_WAIT), which must not keep a new one from starting."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            raise PortInUseError(f"port {port} on {host} is already in use; choose another with --port") from None


@app.command()
def demo(
    customers: Annotated[int, typer.Option(min=1, help="Number of distinct people to generate.")] = 10_000,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the demo sources.")] = None,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards.")] = True,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    seed: int = 42,
) -> None:
    """Generate sources, load them, resolve identities and serve the 360 — the whole tour."""
    from synthetic import generate as generate_sources

    settings = Settings()
    data_dir = out_dir or settings.home / "demo-data"
    if serve_api:
        from api.auth import signing_key

        signing_key(settings)  # refused before generating and loading, not after
        _ensure_port_free("127.0.0.1", port)
    with owner_only() if out_dir is None else nullcontext():  # in the home: owner-only like all of it
        generated = generate_sources(customers, data_dir, seed=seed)
    out.print(f"generated {generated.people:,} people into {data_dir}")
    with open_graph(settings) as graph:
        _print_loads(pipeline.load(graph, plan([data_dir]), settings.home, _file_progress(quiet=False)).files)
        resolved = pipeline.resolve(graph, cache_dir=settings.home / "cache", engine=settings.c360_match_backend)
        _print_resolution(resolved.resolution)
        print_locate(resolved.located)
        print_scores(score_customers(graph))
        sample = graph.read("demo_sample_customer")
        counts = graph.read("graph_counts")[0]
    out.print("graph: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if not serve_api:
        return
    from api.auth import issue_token, signing_key

    customer_id = sample[0]["id"] if sample else "C0"
    bearer = issue_token(signing_key(settings), "admin", "demo", timedelta(hours=8))
    marketer = issue_token(signing_key(settings), "marketing", "demo-marketing", timedelta(hours=8))
    banner = (_DEMO_QUERY.replace("$ID", customer_id).replace("$TOKEN", bearer)
              + f"\nMap (stores, homes, invitations; a marketing token):\n  http://127.0.0.1:{port}/map#token={marketer}"
              + f"\nDashboard (key indicators, campaigns' return):\n  http://127.0.0.1:{port}/dashboard#token={marketer}")
    _serve(settings, "127.0.0.1", port, banner=lambda url: out.print(banner, soft_wrap=True, markup=False))


_DEMO_QUERY = """In GraphiQL's Headers tab (an admin token for 8 hours; `c360 token --role agent` for others):
  {"Authorization": "Bearer $TOKEN"}
Then paste:
  { customer(id: "$ID") { id firstName lastName email recordCount
      records { key source firstName lastName email phone } identifiers { type value }
      transactions(first: 5) { totalCount edges { node { at amount { amount currency } storeName } } }
      tickets(first: 5) { edges { node { openedAt status subject } } } consents { purpose granted } } }"""


# -- embedded store --------------------------------------------------------------------------------------
@db_app.command("start")
def db_start() -> None:
    """Start the embedded store and keep it running until `c360 db stop`."""
    server = _embedded_server()
    state = server.start()
    out.print(f"embedded store running at {state.uri} (pid {state.pid})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded store, even if other c360 commands are using it."""
    server = _embedded_server()
    clients = server.clients()
    if server.stop():
        note = f" ({len(clients)} c360 process(es) were still using it)" if clients else ""
        out.print(f"embedded store stopped{note}")
    else:
        out.print("embedded store was not running")


@db_app.command("status")
def db_status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable, with the password.")] = False
              ) -> None:
    """How to connect a Bolt client (cypher-shell, Neo4j Browser, a driver) to the embedded store."""
    server = _embedded_server()
    state = server.status()
    info: dict[str, Any] = {"running": state is not None, "uri": state.uri if state else None, "user": USER,
                            "database": DATABASE, "password_file": str(server.password_file),
                            "home": str(server.home), "pid": state.pid if state else None,
                            "pinned": state.pinned if state else None, "log": str(server.log_file)}
    if as_json:
        print(json.dumps(info | {"password": server.password() if server.password_file.exists() else None}))
        return
    table = Table(show_header=False, box=None)
    for key, value in info.items():
        table.add_row(key, str(value))
    out.print(table)
    if state is None:
        raise typer.Exit(3)


def _embedded_server() -> EmbeddedServer:
    settings = Settings()
    if not settings.embedded:
        raise C360Error("NEO4J_URI is set: c360 uses that Neo4j server, not the embedded store")
    return EmbeddedServer(settings.home, settings.c360_bolt_port, settings.c360_heap)


# -- output ----------------------------------------------------------------------------------------------
@contextmanager
def _progress(label: str, total: int | None, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    if quiet:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} rows/s"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total, rate="-")

        def advance(rows: int) -> None:
            bar.advance(task, rows)
            elapsed = bar.tasks[task].elapsed or 0
            bar.update(task, rate=f"{bar.tasks[task].completed / elapsed:,.0f}" if elapsed else "-")

        yield advance


def _count_lines(path: Path) -> int | None:
    """A cheap total for the progress bar (rows ≈ lines); none for files too big to scan twice."""
    if path.stat().st_size > 512 * 1024 * 1024:
        return None
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _print_loads(summaries: list[LoadSummary]) -> None:
    table = Table(title="load")
    columns = ("source", "kind", "file", "read", "accepted", "rejected", "erased", "values dropped",
               "already loaded", "written", "rows/s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("source", "kind", "file") else "right")
    for s in summaries:
        rate = s.read / s.seconds if s.seconds else 0
        table.add_row(s.source, s.kind, Path(s.file).name, f"{s.read:,}", f"{s.accepted:,}", f"{s.rejected:,}",
                      f"{s.erased:,}", f"{s.values_dropped:,}", f"{s.skipped_old:,}", f"{s.written:,}", f"{rate:,.0f}")
    out.print(table)
    for s in summaries:
        if s.reject_file:
            out.print(f"  rejects of {s.source}: {s.reject_file}")


def _print_resolution(summary: ResolutionSummary) -> None:
    fields = {k: v for k, v in asdict(summary).items() if k not in ("run_id", "steps", "mode")}
    shown = (f"{k.replace('_', ' ')} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in fields.items())
    out.print(f"resolve ({summary.mode}): " + ", ".join(shown))


def _disk_full(error: OSError) -> str:
    """A file c360 writes found the disk full. Closing a file after the store failed on the same full disk
    fails too: then the store's account, which names the store's data, is the one to give."""
    cause = error.__context__
    while cause is not None and not isinstance(cause, C360Error):
        cause = cause.__context__
    if cause is not None:
        return str(cause)
    return f"disk full ({error.filename})" if error.filename else "disk full"


#: where an input's command-line option is not simply ``--`` and its name
_OPTIONS = {"radius_km": "--radius", "model_report": "--model-report"}


def _option(field: str) -> str:
    """An input as the command line names it: ``--by``, ``--radius``."""
    return _OPTIONS.get(field, "--" + field.replace("_", "-"))


def main() -> None:
    """Entry point: one clear line on stderr for any error a user can act on, traceback with --debug."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except typer.Abort:
        err.print("aborted")
        code = 130
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # the one place that turns any failure into one line
        if _options["debug"]:
            raise
        message = _one_line(error)
        if message:  # bare `c360` has printed its help already
            err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
        code = getattr(error, "exit_code", 1)  # usage errors carry 2, like every click program
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(error: Exception) -> str:
    if hasattr(error, "format_message"):  # typer's usage errors
        message = str(error.format_message()).strip()
    elif isinstance(error, InputError):
        message = error.named(_option)
    elif isinstance(error, C360Error):
        message = str(error)
    elif isinstance(error, OSError) and error.errno == errno.ENOSPC:
        message = _disk_full(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return " ".join(message.split())
