"""Marketing's commands: where customers live and shop, who to invite to an event, and what a campaign brought."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from geo.campaigns import DEFAULT_DAYS, Results, campaigns, results, save_campaign
from geo.invitations import CONSENT_PURPOSE, Invitation, invitations
from geo.locate import LocateSummary, locate
from geo.near import venue
from graph import InputError, Settings, open_graph
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
    campaign: Annotated[str | None, typer.Option(help="Save the list as a campaign of this name, with a held-out "
                                                      "control group (see `c360 campaign results`).")] = None,
    event_date: Annotated[str | None, typer.Option(help="The event's day, YYYY-MM-DD (with --campaign).")] = None,
    control: Annotated[float, typer.Option(help="Share of the list held out, not sent (with --campaign).")] = 0.1,
    seed: Annotated[int | None, typer.Option(help="Seed of the held-out draw (default: a random one, saved).")]
    = None,
) -> None:
    """Write who to invite: customers living or usually shopping within the radius, with a current consent.

    One row per customer, nearest first, with the reason each was chosen. With --campaign, the list is saved
    as a campaign and a random share (--control) is held out: those are not written to the file.
    """
    if (campaign is None) != (event_date is None):
        raise InputError("--campaign and --event-date go together", "campaign" if campaign is None else "event_date")
    with open_graph(Settings()) as graph:
        place = venue(graph, venue_spec)
        if campaign is not None and event_date is not None:
            saved = save_campaign(graph, campaign, place, radius, _day(event_date), control_share=control, seed=seed,
                                  segment=segment, limit=limit, purpose=purpose)
            rows = saved.sent
        else:
            rows = invitations(graph, place, radius, segment=segment, limit=limit, purpose=purpose)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w", newline="", encoding="utf-8") as handle:
        write_csv(handle, [f.name for f in fields(Invitation)], (asdict(row) for row in rows))
    out.print(f"wrote {len(rows):,} invitations around {place.label} ({radius:g} km) to {out_file}",
              markup=False)
    if campaign is not None:
        c = saved.campaign
        out.print(f"campaign {c.name!r} saved: {c.invited:,} invited, {c.held_out:,} held out "
                  f"({c.control_share:.0%} of {c.invited + c.held_out:,}, seed {c.seed}); event {c.event_at:%Y-%m-%d}",
                  markup=False)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"not a day YYYY-MM-DD: {text!r}", "event_date") from None


def print_scores(summary: ScoreSummary) -> None:
    as_of = f"{summary.as_of:%Y-%m-%d}" if summary.as_of else "-"
    out.print(f"scored {summary.customers:,} customers ({summary.buyers:,} with purchases, as of {as_of}) in "
              f"{summary.seconds:.1f} s: " + ", ".join(f"{name} {n:,}" for name, n in summary.segments.items() if n))


def score_command() -> None:
    """Compute RFM scores, segments, historic and predicted value for every customer (docs/marketing.md)."""
    with open_graph(Settings()) as graph:
        print_scores(score_customers(graph))


campaign_app = typer.Typer(help="Saved campaigns (`c360 invite --campaign`) and what they brought back.",
                           no_args_is_help=True)


def _money(minor: float | None, currency: str | None) -> str:
    return "-" if minor is None else f"{minor / 100:,.2f} {currency or ''}".rstrip()


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def print_results(found: Results) -> None:
    c = found.campaign
    window = f"{found.since:%Y-%m-%d} to {found.until:%Y-%m-%d}" + (" (still open)" if found.open else "")
    out.print(f"campaign {c.name!r} at {c.venue} ({c.radius_km:g} km), purchases {window}:", markup=False)
    for label, side in (("invited", found.invited), ("held out", found.held_out)):
        out.print(f"  {label:9} {side.people:6,} people  {side.buyers:5,} buyers ({_share(side.buyers_share)})  "
                  f"{side.purchases:6,} purchases  spend/head {_money(side.spend_per_head_minor, found.currency)}",
                  markup=False)
    b, s, r = found.buyers_uplift, found.spend_uplift_minor, found.incremental_revenue_minor
    if b is None or s is None or r is None:
        out.print("  uplift: - (a side is empty)")
    else:
        out.print(f"  uplift   buyers {b.estimate:+.1%} (95% CI {b.low:+.1%} to {b.high:+.1%}); spend/head "
                  f"{_money(s.estimate, found.currency)} (95% CI {_money(s.low, None)} to {_money(s.high, None)}); "
                  f"incremental revenue {_money(r.estimate, found.currency)}", markup=False)
    if found.shared:
        out.print(f"  {found.shared:,} members of the two sides are now one customer (resolution merged them)")
    if found.other_currency_purchases:
        out.print(f"  {found.other_currency_purchases:,} purchases in other currencies are not in spend")


@campaign_app.command("results")
def campaign_results(
    name: Annotated[str, typer.Argument(help="The campaign's name.")],
    days: Annotated[int, typer.Option(help="Days after the event's start counted.")] = DEFAULT_DAYS,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable.")] = False,
) -> None:
    """Purchases of the invited and of the held-out after the event: buyers share, spend per head, uplift."""
    with open_graph(Settings()) as graph:
        found = results(graph, name, days)
    if as_json:
        out.print_json(json.dumps(asdict(found) | {"incremental_revenue_minor": found.incremental_revenue_minor
                                                   and asdict(found.incremental_revenue_minor)}, default=str))
    else:
        print_results(found)


@campaign_app.command("list")
def campaign_list() -> None:
    """The saved campaigns, the newest event first."""
    with open_graph(Settings()) as graph:
        for c in campaigns(graph):
            out.print(f"{c.event_at:%Y-%m-%d}  {c.name}  at {c.venue} ({c.radius_km:g} km): {c.invited:,} invited, "
                      f"{c.held_out:,} held out", markup=False)


def register(app: typer.Typer) -> None:
    app.command("locate")(locate_command)
    app.command("score")(score_command)
    app.command()(invite)
    app.add_typer(campaign_app, name="campaign")
