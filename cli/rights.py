"""The data-protection officer's commands for restriction and objection and for the requests that arrive as
tickets (erasure, subject access and retention sit beside the other commands in ``cli.main``)."""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graph import Settings, open_graph
from privacy import requests, restrictions

out = Console()
#: the ticket a rights request arrived with: checked to be the customer's, closed once the right is answered
TicketOption = Annotated[str | None, typer.Option("--ticket", help="The request's ticket (tickets:ID): closed "
                                                                  "once answered (c360 requests lists them).")]


def restrict(
    customer: Annotated[str, typer.Option("--customer", help="The customer id.")],
    purpose: Annotated[str | None, typer.Option(
        "--purpose", help=f"One of {', '.join(restrictions.PURPOSES)}; none: show what is in force.")] = None,
    why: Annotated[str | None, typer.Option("--why", help="Why, for the audit trail (name the request; it is "
                                                        "kept).")] = None,
    objection: Annotated[bool, typer.Option("--objection", help="The person objects (art. 21) rather than asks "
                                                                "for a restriction (art. 18).")] = False,
    lift: Annotated[bool, typer.Option("--lift", help="Lift the restriction or objection.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: the system user).")] = None,
    ticket: TicketOption = None,
) -> None:
    """Stop a purpose of processing for a person (GDPR art. 18 and 21): marketing (invitation lists, the map,
    campaigns), profiling (scores and segments) or sync, until lifted; without --purpose, show the
    restrictions in force and their history (docs/privacy.md#restriction-and-objection)."""
    with open_graph(Settings()) as graph:
        if purpose is None:
            _show(restrictions.in_force(graph, customer), restrictions.history(graph, customer))
            return
        if why is None:
            raise typer.BadParameter("say why, for the audit trail", param_hint="--why")
        who = by or getpass.getuser()
        if ticket is not None:
            requests.check_ticket(graph, ticket, customer)
        done = (restrictions.lift(graph, customer, purpose, by=who, why=why) if lift else
                restrictions.restrict(graph, customer, purpose, by=who, why=why, objection=objection))
        if ticket is not None:
            requests.close(graph, ticket, customer, by=who, why=f"{purpose} restriction: audit {done.audit_id}")
    what = "lifted" if lift else ("objection to" if objection else "restricted")
    out.print(f"{what} {purpose} for {customer} on {done.records} records; event {done.event}, "
              f"audit {done.audit_id}" + (f"; ticket {ticket} closed" if ticket else ""), markup=False)


def _show(in_force: list[dict[str, object]], history: list[dict[str, object]]) -> None:
    if not in_force:
        out.print("no restriction in force", markup=False)
    for row in in_force:
        out.print(f"{row['purpose']}: {row['kind']} since {row['since']:%Y-%m-%d %H:%M} ({row['event']})",
                  markup=False)
    if history:
        table = Table("at", "purpose", "decision", "by", "why", title="history")
        for row in history:
            decision = str(row["kind"]) if row["restricted"] else "lifted"
            table.add_row(*(Text(str(cell)) for cell in (  # typed by people: shown as typed, never as markup
                f"{row['at']:%Y-%m-%d %H:%M}", row["purpose"], decision, row["by"], row["why"])))
        out.print(table)


def requests_command(
    closed: Annotated[bool, typer.Option("--all", help="Closed requests too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line, for scripts.")] = False,
) -> None:
    """Rights requests among the support tickets (subjects naming GDPR/RGPD/AVG or a right), newest first,
    each with its customer and the command that answers it and closes the ticket (docs/privacy.md)."""
    with open_graph(Settings()) as graph:
        found = requests.requests(graph, open_only=not closed)
    if as_json:
        for request in found:
            print(json.dumps(asdict(request) | {"command": request.command()}, default=str, ensure_ascii=False))
        return
    if not found:
        out.print("no open rights request" if not closed else "no rights request", markup=False)
        return
    table = Table("ticket", "opened", "status", "customer", "right", "subject", "answer with")
    for request in found:
        opened = f"{request.opened_at:%Y-%m-%d}" if request.opened_at else ""
        table.add_row(*(Text(cell) for cell in (request.ticket, opened, request.status or "", request.customer_id or "",
                                                 request.right, request.subject, request.command())))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(restrict)
    app.command("requests")(requests_command)
