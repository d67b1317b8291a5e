"""The `haven` command: a thin adapter over the registry, synth, web and screening packages.

Data goes to stdout, messages and progress bars to stderr. A user error prints one line (or,
for an invalid file, one line per problem) and exits with status 1; wrong usage exits with 2.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from haven._cli_actor import cli_actor
from haven.config import Settings
from haven.exceptions import HavenError, ValidationFailed

__all__ = ["app", "main"]

err = Console(stderr=True, highlight=False, soft_wrap=True)  # no wrapping of messages

app = typer.Typer(
    name="haven",
    help="Haven: registry, identification, referral, linkage, statistics and ad screening "
    "against trafficking in human beings.\n\nSettings come from HAVEN_* environment variables "
    "(see docs/operations.md); --home overrides HAVEN_HOME.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="Check and anchor the hash-chained audit log.", no_args_is_help=True)
org_app = typer.Typer(help="Manage organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
key_app = typer.Typer(help="The data key: status and rotation.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(key_app, name="key")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Directory of the default SQLite database and key file."),
]
OrgOption = Annotated[
    str, typer.Option("--organisation", "-o", help="Code of the organisation acting (its scope).")
]


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"haven: error: {message}", markup=False)
    raise typer.Exit(code)


def _settings(home: Path | None) -> Settings:
    settings = Settings.from_env()
    return settings.with_home(home) if home is not None else settings




@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            return max(sum(1 for _ in handle) - (path.suffix.lower() == ".csv"), 0)
    except OSError:
        return None


# -- init and organisations ---------------------------------------------------------------------
@app.command()
def init(home: HomeOption = None) -> None:
    """Create the key file (if missing) and bring the database schema up to date.

    Example:  haven init --home /srv/haven
    """
    from haven.registry import Registry

    settings = _settings(home)
    registry = Registry.open(settings, initialise=True)
    registry.close()
    err.print(f"database ready: {settings.resolved_database_url}", markup=False)
    if not settings.data_key_b64:
        err.print(f"data key: {settings.resolved_key_file} (keep it safe and out of backups of "
                  "the database)", markup=False)


@org_app.command("add")
def org_add(
    code: Annotated[str, typer.Argument(help="Short stable handle, e.g. nl-police-east.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 country code.")],
    type_: Annotated[str, typer.Option("--type", help="police, ngo, shelter, ... (see docs).")],
    home: HomeOption = None,
) -> None:
    """Register an organisation.

    Example:  haven org add nl-fairwork --name "FairWork" --country NL --type ngo
    """
    from haven.registry import AdminScope, Registry
    from haven.standard import OrganisationCreate, validate_record

    registry = Registry.open(_settings(home))
    record = validate_record(OrganisationCreate,
                             {"code": code, "name": name, "country": country, "type": type_})
    org = registry.create_organisation(AdminScope(cli_actor()), record)
    typer.echo(f"{org.code}\t{org.id}")


@org_app.command("list")
def org_list(home: HomeOption = None) -> None:
    """List organisations as tab-separated code, country, type, name.

    Example:  haven org list
    """
    from haven.registry import Registry

    for org in Registry.open(_settings(home)).organisations():
        typer.echo(f"{org.code}\t{org.country}\t{org.type.value}\t{org.name}")


# -- import and export --------------------------------------------------------------------------
KindOption = Annotated[
    str | None,
    typer.Option("--kind", "-k", help="victims, suspects or cases; default: from the file name."),
]


def _kind(kind: str | None, path: Path) -> Any:
    from haven.registry import detect_kind

    if kind is None:
        found = detect_kind(path)
        if found is None:
            _fail("cannot tell the kind of records from the file name; give --kind")
        return found
    singular = kind.lower().removesuffix("s")
    if singular not in ("victim", "suspect", "case"):
        _fail("--kind must be victims, suspects or cases", 2)
    return singular


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file.", show_default=False)],
    organisation: OrgOption,
    kind: KindOption = None,
    partial: Annotated[bool, typer.Option(
        "--partial", help="Write the valid rows; write the others to a rejects file.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where --partial writes rejected rows (default: FILE.rejects.EXT).")] = None,
    home: HomeOption = None,
) -> None:
    """Validate a whole file and import it; with any problem, nothing is written.

    Every problem of every row is listed (row, field, reason). Re-importing a file updates
    records by external id and never creates duplicates.

    Examples:
      haven import victims.csv -o nl-police
      haven import intake.jsonl --kind victims -o ro-ngo --partial
    """
    from haven.registry import Registry, Scope, import_file

    registry = Registry.open(_settings(home))
    org = registry.organisation(organisation)
    record_kind = _kind(kind, file)
    if partial and rejects is None:
        rejects = file.with_name(f"{file.stem}.rejects{file.suffix}")
    scope = Scope(cli_actor(), org.id)
    with _progress(f"importing {file.name}", _count_lines(file)) as advance:
        report = import_file(registry, scope, file, record_kind, partial=partial,
                             rejects=rejects, progress=advance)
    for problem in report.problems:
        err.print(f"{file.name}: {problem}", markup=False)
    summary = (f"{report.rows} rows: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged, {len(report.rejected_rows)} rejected")
    if not report.written:
        _fail(f"{len(report.problems)} problem(s) in {len(report.rejected_rows) or 'the'} "
              f"row(s); nothing was written")
    err.print(summary, markup=False)
    if report.rejects_file is not None:
        err.print(f"rejected rows written to {report.rejects_file}", markup=False)
    if report.problems:
        raise typer.Exit(1)


@app.command()
def export(
    kind: Annotated[str, typer.Argument(help="victims, suspects or cases.")],
    organisation: OrgOption,
    out: Annotated[Path | None, typer.Option(help="File to write; default stdout.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "csv",
    identifying: Annotated[bool, typer.Option(
        "--identifying", help="Include names, dates of birth, documents (audited).")] = False,
    home: HomeOption = None,
) -> None:
    """Export an organisation's records; identifying data only when asked, and audited.

    Examples:
      haven export victims -o nl-police --out victims.csv
      haven export cases -o nl-police --format jsonl > cases.jsonl
    """
    from haven.registry import Registry, Scope, export_records

    if fmt not in ("csv", "jsonl"):
        _fail("--format must be csv or jsonl", 2)
    registry = Registry.open(_settings(home))
    org = registry.organisation(organisation)
    scope = Scope(cli_actor(), org.id, identifying=identifying)
    record_kind = _kind(kind, Path(kind))
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        with _progress(f"exporting {kind}", None) as advance:
            count = export_records(registry, scope, record_kind, handle, fmt=fmt,  # type: ignore[arg-type]
                                   identifying=identifying, progress=advance)
    finally:
        if out:
            handle.close()
    err.print(f"{count} {record_kind} record(s) exported", markup=False)


# -- audit --------------------------------------------------------------------------------------
@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[Path | None, typer.Option(
        help="Compare with a head written by `haven audit anchor`.")] = None,
    home: HomeOption = None,
) -> None:
    """Check every audit entry; exit 1 naming each changed, inserted or deleted entry.

    Example:  haven audit verify --anchor /mnt/worm/haven-audit.head
    """
    from haven.exceptions import AuditIntegrityError
    from haven.registry import Registry

    settings = _settings(home)
    if anchor is not None:
        settings = replace(settings, audit_anchor=anchor)
    try:
        report = Registry.open(settings).verify_audit()
    except AuditIntegrityError as error:
        if error.entries:
            shown = ", ".join(map(str, error.entries[:20]))
            err.print(f"bad entries: {shown}{' ...' if len(error.entries) > 20 else ''}",
                      markup=False)
        _fail(f"audit log does not verify: {error}")
    typer.echo(f"audit log verified: {report.entries} entries, head {report.head_seq} "
               f"{report.head_mac[:16]}")


@audit_app.command("anchor")
def audit_anchor(
    path: Annotated[Path, typer.Argument(help="File (ideally on write-once storage).")],
    home: HomeOption = None,
) -> None:
    """Verify the log, then write its head to PATH for later `verify --anchor PATH`.

    Example:  haven audit anchor /mnt/worm/haven-audit.head
    """
    from haven.registry import Registry

    report = Registry.open(_settings(home)).anchor_audit(path)
    typer.echo(f"anchored at entry {report.head_seq}")


# -- keys ---------------------------------------------------------------------------------------
@key_app.command("status")
def key_status(home: HomeOption = None) -> None:
    """Print the key ids in the key ring and how many identities each key encrypted.

    Example:  haven key status
    """
    from haven.registry import Registry

    registry = Registry.open(_settings(home))
    keys = registry.keys
    typer.echo(f"current\t{keys.key_id}")
    for key_id in keys.older_key_ids:
        typer.echo(f"older\t{key_id}\t(a rotation is under way: run `haven key rotate`)")
    for key_id in keys.retired_key_ids:
        typer.echo(f"retired\t{key_id}\t(audit entries only)")
    for key_id, count in sorted(registry.key_usage().items()):
        typer.echo(f"identities\t{key_id}\t{count}")


@key_app.command("rotate")
def key_rotate(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
    home: HomeOption = None,
) -> None:
    """Make a new data key, re-encrypt every identity under it, retire the old key.

    Stop other Haven processes first, and back up the key file: the old
    key's line is rewritten to an audit-only line that decrypts nothing.
    An interrupted rotation finishes when the command is run again.

    Example:  haven key rotate --yes
    """
    from haven.registry import Registry

    settings = _settings(home)
    if settings.data_key_b64:
        _fail("HAVEN_DATA_KEY holds a single key: rotate by moving to a key file "
              "(HAVEN_KEY_FILE) first")
    registry = Registry.open(settings)
    if not yes and not typer.confirm("Rotate the data key now (other Haven processes "
                                     "stopped)?", err=True, default=False):
        _fail("not confirmed; nothing was changed")
    total = sum(registry.key_usage().values())
    with _progress("re-encrypting identities", total) as advance:
        report = registry.rotate_key(settings.resolved_key_file, actor=cli_actor(),
                                     progress=advance)
    state = "finished the rotation begun before" if report.resumed else "rotated"
    err.print(f"{state}: new key {report.new_key_id}, retired "
              f"{', '.join(report.old_key_ids) or 'none'}; {report.reencrypted} identities "
              "re-encrypted", markup=False)


# -- demo and serve -----------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    home: HomeOption = None,
) -> None:
    """Serve the API and web pages.

    Example:  HAVEN_DATABASE_URL=postgresql://haven@db/haven haven serve --host 0.0.0.0
    """
    _serve(_settings(home), host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from haven.referral import TransnationalSettings
    from haven.registry import Registry
    from haven.web import create_app

    registry = Registry.open(settings)
    app = create_app(registry, settings, transnational=TransnationalSettings.from_env())
    uvicorn.run(app, host=host, port=port, log_level="warning")


@app.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo database goes.")] = Path(
        "var/demo"),
    persons: Annotated[int, typer.Option(help="Synthetic persons to generate.")] = 1500,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 2021,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    serve_: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the server.")] = True,
) -> None:
    """Build fresh synthetic demo data in an embedded SQLite database and serve it.

    Everything in the demo is synthetic. The demo directory is rebuilt on every run.

    Example:  haven demo --dir var/demo --port 8000
    """
    from haven.demo import build_demo

    if directory.exists():
        shutil.rmtree(directory)
    settings = Settings(home=directory)
    with _progress("building demo data", None) as advance:
        summary = build_demo(settings, persons=persons, seed=seed, progress=advance)
    err.print(summary.describe(f"http://{host}:{port}"), markup=False)
    if serve_:
        _serve(settings, host, port)


# -- users --------------------------------------------------------------------------------------
@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Log-in name (lower case).")],
    organisation: OrgOption,
    role: Annotated[list[str], typer.Option("--role", "-r", help=(
        "first_line_worker, case_worker, supervisor, analyst, rapporteur, org_admin or "
        "system_admin; repeat for several."))],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    locale: Annotated[str, typer.Option(help="Language of the UI: en or nl.")] = "en",
    oidc_subject: Annotated[str | None, typer.Option(
        help="Link to an identity provider account ('<issuer>|<sub>'); no password then.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Create a user; the password is read from the terminal (or stdin), never an argument.

    Examples:
      haven user add jdevries -o nl-police --role case_worker --name "Jan de Vries"
      haven user add mvos -o nl-police -r analyst --oidc-subject "https://idp.politie.nl|8412"
    """
    from haven.access import Accounts, UserCreate
    from haven.registry import Registry
    from haven.standard import validate_record

    registry = Registry.open(_settings(home))
    org = registry.organisation(organisation)
    password: str | None = None
    if oidc_subject is None and sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True,
                                err=True)
    elif oidc_subject is None:
        password = sys.stdin.readline().rstrip("\n")
    user = validate_record(UserCreate, {"username": username, "display_name": name or username,
                                        "password": password, "roles": role, "locale": locale,
                                        "oidc_subject": oidc_subject})
    created = Accounts(registry).create_user(None, org.id, user)
    typer.echo(f"{created.username}\t{created.id}")


@user_app.command("list")
def user_list(organisation: OrgOption, home: HomeOption = None) -> None:
    """List an organisation's users as tab-separated name, roles, state.

    Example:  haven user list -o nl-police
    """
    from haven.access import Accounts, Permission, Principal, Role
    from haven.registry import Registry

    registry = Registry.open(_settings(home))
    org = registry.organisation(organisation)
    operator = Principal(uuid.uuid4(), cli_actor(), "operator", org.id, org.country,
                         frozenset({Role.SYSTEM_ADMIN}),
                         frozenset({Permission.MANAGE_ORGANISATIONS}), via="cli")
    for user in Accounts(registry).users(operator, org.id):
        state = "disabled" if user.disabled else "active"
        typer.echo(f"{user.username}\t{','.join(r.value for r in user.roles)}\t{state}")


def _register_package_commands() -> None:
    """Sub-commands that live with their packages (thin Typer apps over each domain)."""
    from haven.linkage.cli import link_app
    from haven.retention.cli import erase_command, retention_command
    from haven.screening.cli import screen_command
    from haven.statistics.cli import stats_app

    app.command("screen")(screen_command)
    app.command("erase")(erase_command)
    app.command("retention")(retention_command)
    app.add_typer(link_app, name="link")
    app.add_typer(stats_app, name="stats")
    if importlib.util.find_spec("haven.referral.cli") is not None:
        from haven.referral.cli import referral_app  # type: ignore[import-not-found,unused-ignore]

        app.add_typer(referral_app, name="referral")


_register_package_commands()


def main() -> None:
    """Entry point: HavenErrors become one line on stderr, never a traceback."""
    try:
        app()
    except ValidationFailed as failure:
        for problem in failure.problems:
            err.print(f"haven: {problem}", markup=False)
        err.print(f"haven: error: {failure}", markup=False)
        sys.exit(1)
    except HavenError as error:
        err.print(f"haven: error: {error}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("haven: interrupted", markup=False)
        sys.exit(130)
