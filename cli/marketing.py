"""Marketing's commands: where customers live and shop, and who to invite to an event."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from geo.invitations import CONSENT_PURPOSE, Invitation, invitations
from geo.locate import LocateSummary, locate
from geo.near import venue
from graph import Settings, open_graph
from graph.spreadsheet import write_csv
from scoring.score import ScoreSummary, score_customers

out = Console()


def print_locate(summary: LocateSummary) -> None:
    out.print(f"located {summary.customers:,} customers (exact {summary.exact:,}, town {summary.city:,}, "
              f"unknown {summary.unknown:,}); shopping places refreshed for {summary.shoppers:,}; "
              f"{summary.seconds:.1f} s")


def locate_command(
    full: Annotated[bool, typer.Option("--full", help="Every customer, not only what changed.")] = False,
) -> None:
    """Place every customer's home (source coordinates, else the town offline) and refresh where they shop."""
    with open_graph(Settings()) as graph:
        print_locate(locate(graph, full=full))


def invite(
    venue_spec: Annotated[str, typer.Option("--venue", help="A store id (S009) or LAT,LON.")],
    radius: Annotated[float, typer.Option("--radius", help="Kilometres around the venue.")],
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    segment: Annotated[str | None, typer.Option(help="Only this segment (see `c360 score`).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many, nearest first.")] = None,
    purpose: Annotated[str, typer.Option(help="The consent purpose required.")] = CONSENT_PURPOSE,
) -> None:
    """Write who to invite: customers living or usually shopping within the radius, with a current consent.

    One row per customer, nearest first, with the reason each was chosen.
    """
    with open_graph(Settings()) as graph:
        place = venue(graph, venue_spec)
        rows = invitations(graph, place, radius, segment=segment, limit=limit, purpose=purpose)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w", newline="", encoding="utf-8") as handle:
        write_csv(handle, [f.name for f in fields(Invitation)], (asdict(row) for row in rows))
    out.print(f"wrote {len(rows):,} invitations around {place.label} ({radius:g} km) to {out_file}",
              markup=False)


def print_scores(summary: ScoreSummary) -> None:
    as_of = f"{summary.as_of:%Y-%m-%d}" if summary.as_of else "-"
    out.print(f"scored {summary.customers:,} customers ({summary.buyers:,} with purchases, as of {as_of}) in "
              f"{summary.seconds:.1f} s: " + ", ".join(f"{name} {n:,}" for name, n in summary.segments.items() if n))


def score_command() -> None:
    """Compute RFM scores, segments, historic and predicted value for every customer (docs/marketing.md)."""
    with open_graph(Settings()) as graph:
        print_scores(score_customers(graph))


def register(app: typer.Typer) -> None:
    app.command("locate")(locate_command)
    app.command("score")(score_command)
    app.command()(invite)
