"""`haven referral`: legal clocks that are due, installation keys and partner installations.

A thin adapter: every command calls `haven.referral` and prints. Data goes to stdout (tab-
separated, or JSON with --json), messages to stderr; a HavenError exits with status 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from haven._cli_actor import cli_actor
from haven.config import Settings
from haven.exceptions import HavenError
from haven.registry import Registry

__all__ = ["referral_app"]

err = Console(stderr=True, highlight=False, soft_wrap=True)

referral_app = typer.Typer(
    help="Support pathways: legal clocks that are due, installation keys and partner "
    "installations for transnational referral.", no_args_is_help=True)
keys_app = typer.Typer(help="This installation's keys for transnational referral.",
                       no_args_is_help=True)
partner_app = typer.Typer(help="Partner installations: whom this one exchanges referrals with.",
                          no_args_is_help=True)
referral_app.add_typer(keys_app, name="keys")
referral_app.add_typer(partner_app, name="partner")

HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Directory of the default SQLite database and key file.")]
KeyFile = Annotated[Path, typer.Option(
    "--key-file", help="The installation key file (keep it apart from the database).")]


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except HavenError as error:
        err.print(f"haven: error: {error}", markup=False)
        raise typer.Exit(1) from None


def _registry(home: Path | None) -> Registry:

    settings = Settings.from_env()
    return Registry.open(settings.with_home(home) if home is not None else settings)




@referral_app.command()
def due(
    organisation: Annotated[str, typer.Option("--organisation", "-o",
                                              help="Code of the organisation (its scope).")],
    today: Annotated[str | None, typer.Option(
        help="The day to compute for, YYYY-MM-DD (default: today).")] = None,
    horizon: Annotated[int, typer.Option(help="Also list items due within this many days.",
                                         min=0, max=365)] = 14,
    rules: Annotated[Path | None, typer.Option(
        help="Operator's clock rules (JSON) over Haven's shipped ones.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of TSV.")] = False,
    home: HomeOption = None,
) -> None:
    """List due and overdue legal-clock items of an organisation's open pathways.

    Reflection period ending, guardian appointment, residence permit renewal and return
    follow-up, overdue first, then by deadline. Output columns: status, deadline, days
    left, kind, pathway id, legal basis.

    Example:  haven referral due -o nl-fairwork --today 2026-05-30 --horizon 7
    """
    from haven.referral import RulesBook, due_items
    from haven.registry import Scope

    with _errors():
        try:
            day = date.fromisoformat(today) if today else date.today()
        except ValueError:
            raise typer.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
        book = RulesBook.from_json(rules) if rules else None
        registry = _registry(home)
        org = registry.organisation(organisation)
        with registry.transaction(Scope(cli_actor(), org.id)) as tx:
            items = due_items(tx, day, horizon_days=horizon, rules=book)
        for item in items:
            if as_json:
                typer.echo(json.dumps({
                    "status": item.status.value, "deadline": item.deadline.isoformat(),
                    "due_on": item.due_on.isoformat(), "days_left": item.days_left,
                    "kind": item.kind.value, "pathway": str(item.pathway_id),
                    "basis": item.basis}))
            else:
                typer.echo(f"{item.status.value}\t{item.deadline}\t{item.days_left}\t"
                           f"{item.kind.value}\t{item.pathway_id}\t{item.basis}")
        err.print(f"{len(items)} item(s) on {day}", markup=False)


@keys_app.command("generate")
def keys_generate(
    installation_id: Annotated[str, typer.Argument(help="This installation's id, e.g. nl-haven.")],
    key_file: KeyFile,
) -> None:
    """Create this installation's signing and encryption keys (never overwrites).

    Example:  haven referral keys generate nl-haven --key-file /etc/haven/trm.key
    """
    from haven.referral import InstallationKeys

    with _errors():
        if re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,63}", installation_id) is None:
            raise typer.BadParameter("lower-case letters, digits, '.' and '-', 2-64 long",
                                     param_hint="INSTALLATION_ID")
        InstallationKeys.generate(installation_id).save(key_file)
        err.print(f"keys written to {key_file} (owner-only); publish the card with "
                  "`haven referral keys card`", markup=False)


@keys_app.command("card")
def keys_card(
    key_file: KeyFile,
    name: Annotated[str, typer.Option(help="This installation's name, for partners.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 country code.")],
    endpoint: Annotated[str, typer.Option(help="Base URL partners send to.")],
) -> None:
    """Print this installation's public card (JSON) and its fingerprint (stderr).

    Example:  haven referral keys card --key-file trm.key --name "Haven NL" --country NL
              --endpoint https://haven.example.nl > nl-haven.card.json
    """
    from pydantic import ValidationError

    from haven.referral import InstallationKeys, fingerprint

    with _errors():
        keys = InstallationKeys.load(key_file)
        try:
            card = keys.card(name=name, country=country, endpoint=endpoint)
        except ValidationError as error:
            raise typer.BadParameter(str(error.errors()[0]["msg"])) from None
        typer.echo(card.model_dump_json(indent=2))
        err.print(f"fingerprint: {fingerprint(card)}", markup=False)


@partner_app.command("add")
def partner_add(
    card_file: Annotated[Path, typer.Argument(help="The partner's card (JSON).")],
    replace: Annotated[bool, typer.Option(help="Replace a known partner's card.")] = False,
    home: HomeOption = None,
) -> None:
    """Add a partner installation from its card; compare the printed fingerprint with the
    partner's over another channel before exchanging referrals.

    Example:  haven referral partner add ro-haven.card.json
    """
    from pydantic import ValidationError

    from haven.referral import PartnerCard, add_partner, fingerprint

    with _errors():
        try:
            card = PartnerCard.model_validate_json(card_file.read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            raise typer.BadParameter("not a readable partner card",
                                     param_hint="CARD_FILE") from None
        add_partner(_registry(home), card, actor=cli_actor(), replace=replace)
        typer.echo(f"{card.installation_id}\t{fingerprint(card)}")


@partner_app.command("list")
def partner_list(home: HomeOption = None) -> None:
    """List partner installations: id, country, endpoint, fingerprint.

    Example:  haven referral partner list
    """
    from haven.referral import fingerprint, list_partners

    with _errors():
        for card in list_partners(_registry(home)):
            typer.echo(f"{card.installation_id}\t{card.country}\t{card.endpoint}\t"
                       f"{fingerprint(card)}")


@partner_app.command("remove")
def partner_remove(
    installation_id: Annotated[str, typer.Argument(help="The partner's installation id.")],
    home: HomeOption = None,
) -> None:
    """Stop exchanging referrals with a partner (its past exchanges stay on record).

    Example:  haven referral partner remove ro-haven
    """
    from haven.referral import remove_partner

    with _errors():
        remove_partner(_registry(home), installation_id, actor=cli_actor())
        err.print(f"partner {installation_id} removed", markup=False)
