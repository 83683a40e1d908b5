"""`govnews`: crawl portals, run the demo, serve and export the archive."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from scraper.registry import FAMILIES, RegistryError, load_registry, select_portals

logger = logging.getLogger(__name__)


def checked_archive(ctx, param, value: str) -> str:
    """Check the archive file named by --db before the command opens anything (scraper.archive.check_archive)."""
    from scraper.archive import check_archive

    check_archive(value)
    return value


DB_OPTION = click.option("--db", "db_path", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
                         callback=checked_archive, help="The archive file")
# Safe to publish as they are (docs/publishing.md): each query is bounded in time and rows (and,
# by our plugin, in memory); a full CSV streams page by page with no size cap; facet suggestions,
# which scan the table once per column, are off.
DATASETTE_SETTINGS = {
    "sql_time_limit_ms": "2000",
    "max_returned_rows": "1000",
    "facet_time_limit_ms": "1000",
    "suggest_facets": "off",
    "max_csv_mb": "0",
    "truncate_cells_html": "300",
    "allow_download": "off",
    "default_cache_ttl": "60",
}


class GovnewsGroup(click.Group):
    """The govnews commands; an archive that is not one (empty, damaged, foreign, newer) ends any of them in one line, exit 2."""

    def invoke(self, ctx):
        from scraper.archive import ArchiveError

        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=GovnewsGroup)
@click.version_option(package_name="govnews")
def cli() -> None:
    """An archive of Vietnamese local-government news: crawl, serve, export.

    Example:

    \b
        govnews demo
    """


def parse_overrides(pairs: tuple[str, ...]) -> dict:
    """Turn NAME=VALUE pairs into a settings dict (values parsed as JSON when they can be)."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--set")
        try:
            overrides[name] = json.loads(value)
        except json.JSONDecodeError:
            overrides[name] = value
    return overrides


@contextlib.contextmanager
def one_writer(db_path: str):
    """Hold the archive's crawl lock while a command writes it: a crawl, recover, import or re-extraction
    already writing it makes this one a one-line error (exit 1) before it writes anything."""
    from scraper.unattended import CrawlRunning, crawl_lock

    with contextlib.ExitStack() as held:
        try:
            held.enter_context(crawl_lock(db_path))
        except CrawlRunning as exc:
            raise click.ClickException(str(exc)) from None
        yield


def choose_portals(registry: str, portal_ids: tuple[str, ...], all_: bool, include_offline: bool = False):
    """Return the portals a command works on, or raise a one-line ClickException.

    --all leaves out the portals marked offline unless include_offline (recovery and checks want them).
    """
    try:
        portals = load_registry(registry)
        if all_:
            return [p for p in portals if include_offline or p.status != "offline"]
        if not portal_ids:
            raise click.UsageError("name portals with --portal ID, or use --all")
        return select_portals(portals, portal_ids)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None


def crawl_and_report(portals, db_path: str, registry: str, overrides: dict, each_portal: bool = True) -> bool:
    """Crawl, print a line per portal (when each_portal) and the run's summary line; return whether every run was ok."""
    from scraper.crawl import crawl_settings, run_crawl

    started = time.monotonic()
    rows = run_crawl(portals, crawl_settings(db_path, registry, overrides))
    return report_runs(rows, each_portal=each_portal, seconds=time.monotonic() - started)


def report_runs(rows: list[dict], each_portal: bool = True, seconds: float | None = None) -> bool:
    """Print a line per portal run (when each_portal), the summary line, the failed ids on stderr; return all ok."""
    from scraper.crawl import run_summary, summary_line

    if each_portal:
        for row in rows:
            click.echo(summary_line(row))
    click.echo(run_summary(rows, seconds))
    failed = [row["portal_id"] for row in rows if row["status"] != "ok"]
    if failed:
        click.echo(f"failed: {', '.join(failed)}", err=True)
    return not failed


@cli.command()
@click.option("--portal", "portal_ids", multiple=True, help="Portal id; repeatable")
@click.option("--all", "all_", is_flag=True, help="Every portal not marked offline")
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file [spiders/portals.toml]")
@DB_OPTION
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting; repeatable")
@click.option("--log-file", default=None, type=click.Path(dir_okay=False),
              help="Write the log to this file, rotated at 10 MB (5 kept), instead of stderr")
@click.option("--verbose", "-v", is_flag=True, help="A line per portal even when not on a terminal")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Work as a scale-out worker: share the run's queue in Redis, send items to `govnews ingest`")
@click.option("--run-id", default=None, help="With --redis: the run the workers share [today's UTC date]")
def crawl(portal_ids, all_, registry, db_path, overrides, log_file, verbose, redis_url, run_id) -> None:
    """Crawl portals and store new or changed articles.

    One crawl per archive at a time: a start that finds another crawl of the same --db running
    says so on stderr and exits 0. On a terminal, a live progress line and a line per portal;
    otherwise (cron) only the summary line. Exits 1 when any portal's run failed (unreachable, no
    page answered, stopped early).

    Example:

    \b
        govnews crawl --portal can-tho.vinh-thanh --set DOWNLOAD_DELAY=5
        govnews crawl --all --db /srv/govnews/archive.db --log-file /srv/govnews/logs/crawl.log
        govnews crawl --all --redis redis://crawl-queue:6379/0     # one of N workers (docs/scale-out.md)

    With --redis the worker neither reads nor writes --db and takes no lock: any number of workers
    share the run; `govnews ingest` is the one writer. Exits 1 when any of its portal runs did not
    finish (killed, out of budget, an exception), 2 when Redis or the writer cannot be reached.
    """
    from scraper.crawl import default_registry
    from scraper.unattended import CrawlRunning, crawl_lock, log_to_file

    registry = registry or str(default_registry())
    portals = choose_portals(registry, portal_ids, all_)
    settings = parse_overrides(overrides)
    if log_file:
        log_to_file(log_file, settings.get("LOG_LEVEL", "INFO"))
        settings.setdefault("LOG_ENABLED", False)  # Scrapy's own handler would write to stderr too
    if sys.stderr.isatty():  # a live line; the log would scroll it away, so it shows warnings only
        settings.setdefault("ARCHIVE_PROGRESS", True)
        if not log_file:
            settings.setdefault("LOG_LEVEL", "WARNING")
    settings.setdefault("ARCHIVE_PROGRESS_PORTALS", len(portals))
    if redis_url:
        work_for_redis(portals, registry, settings, redis_url, run_id, each_portal=verbose or sys.stdout.isatty())
        return
    from scraper.archive import check_pages

    check_pages(db_path)  # before the lock and the reactor: a damaged archive is refused at once, never a hang
    try:
        with crawl_lock(db_path):
            ok = crawl_and_report(portals, db_path, registry, settings, each_portal=verbose or sys.stdout.isatty())
    except CrawlRunning as exc:
        if log_file:
            logger.warning("%s", exc)
        click.echo(str(exc), err=True)
        return
    except sqlite3.OperationalError as exc:  # the disk filled up (or failed) and stayed so to the end
        logger.error("%s: the archive could not be written: %s", db_path, exc)
        click.echo(f"Error: {db_path}: the archive could not be written ({exc}); what was stored is kept, "
                   "and the next crawl resumes the rest", err=True)
        sys.exit(1)
    if not ok:
        sys.exit(1)


def work_for_redis(portals, registry: str, overrides: dict, redis_url: str, run_id: str | None, each_portal: bool) -> None:
    """Crawl as a scale-out worker; print a line per portal (when each_portal) and the summary; exit 1 on a failed run."""
    from scraper.crawl import crawl_settings, run_worker, worker_settings
    from scraper.distributed import RedisUnavailable, default_run_id, worker_summary

    started = time.monotonic()
    settings = worker_settings(crawl_settings("", registry, overrides), redis_url, run_id or default_run_id())
    try:
        rows = run_worker(portals, settings)
    except RedisUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if each_portal:
        for row in rows:
            click.echo(f"{row['portal_id']}: {row['status']} ({row['finish_reason']}): {row['pages_fetched']} pages, "
                       f"{row['sent']} items sent, {row['errors']} errors")
    click.echo(worker_summary(rows, settings["ARCHIVE_WORKER_ID"], time.monotonic() - started))
    if any(row["status"] != "ok" for row in rows):
        sys.exit(1)


@cli.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The Redis the workers send to")
@DB_OPTION
@click.option("--until-idle", type=float, default=None, metavar="SECONDS",
              help="Exit once no item came and no worker lived for this long [run until stopped]")
@click.option("--log-file", default=None, type=click.Path(dir_okay=False),
              help="Write the log to this file, rotated at 10 MB (5 kept), instead of stderr")
def ingest(redis_url, db_path, until_idle, log_file) -> None:
    """Store what scale-out workers crawl: the one process that writes the archive.

    Publishes what the archive holds (archived URLs per portal, detected families) so that the
    workers fetch no archived article again, then stores the workers' items in the order they
    were sent and merges each portal's run into one crawl_runs row. Holds the archive's crawl lock,
    so no `govnews crawl` writes beside it. Stops on SIGTERM or Ctrl-C after the item in hand.

    \b
        govnews ingest --redis redis://localhost:6379/0 --db /srv/govnews/archive.db
    """
    from scraper import settings as defaults
    from scraper.archive import Archive, check_pages
    from scraper.distributed import RedisUnavailable, Writer, connect, ingest_summary
    from scraper.unattended import CrawlRunning, crawl_lock, log_to_file

    if log_file:
        log_to_file(log_file, "INFO")
    started = time.monotonic()
    try:
        server = connect(redis_url)
        check_pages(db_path)
        with crawl_lock(db_path):
            archive = Archive(db_path)
            try:
                writer = Writer(server, archive)
                writer.publish(defaults.ARCHIVE_DETECT_MAX_AGE_DAYS)
                totals = writer.run(until_idle)
            finally:
                archive.close()
    except (RedisUnavailable, CrawlRunning) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(ingest_summary(totals, len(writer.runs), time.monotonic() - started))


@cli.command()
@click.option("--portal", "portal_ids", multiple=True, help="Portal id; repeatable")
@click.option("--all", "all_", is_flag=True, help="Every portal of the registry, offline ones included")
@click.option("--source", type=click.Choice(["wayback", "commoncrawl"]), required=True, help="The web archive to read")
@click.option("--from", "year_from", default="", help="First capture year (YYYY)")
@click.option("--to", "year_to", default="", help="Last capture year (YYYY)")
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file [spiders/portals.toml]")
@DB_OPTION
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting; repeatable")
def recover(portal_ids, all_, source, year_from, year_to, registry, db_path, overrides) -> None:
    """Recover portals' articles from web-archive captures (the portal itself is never contacted).

    \b
        govnews recover --portal dong-nai.dinh-quan --source wayback --from 2015 --to 2025
    """
    from scraper.crawl import crawl_settings, default_registry, run_recover

    for year in (year_from, year_to):
        if year and not (year.isdigit() and len(year) == 4):
            raise click.BadParameter(f"'{year}' is not a year (YYYY)", param_hint="--from/--to")
    registry = registry or str(default_registry())
    portals = choose_portals(registry, portal_ids, all_, include_offline=True)
    settings = crawl_settings(db_path, registry, parse_overrides(overrides))
    with one_writer(db_path):
        ok = report_runs(run_recover(portals, settings, source, year_from, year_to))
    if not ok:
        sys.exit(1)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Stop after the crawl")
@DB_OPTION
@click.option("--port", default=8001, show_default=True, help="Datasette's port")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting; repeatable")
def demo(no_serve, db_path, port, overrides) -> None:
    """Start the replica portals, crawl them into the archive and serve it with Datasette.

    Example:

    \b
        govnews demo --no-serve
    """
    from scraper.demo.server import DEMO_PORT, ReplicaServer
    from scraper.demo.sites import demo_sites
    from scraper.settings import LOOPBACK_SETTINGS
    from scraper.unattended import log_to_file

    try:
        server = ReplicaServer(demo_sites(), port=DEMO_PORT).start()
    except OSError as exc:
        raise click.ClickException(f"cannot start the replica portals on port {DEMO_PORT}: {exc}") from None
    # a newcomer sees a line per replica and per portal and the URL; Scrapy's log goes to a file
    log_path = Path(db_path).resolve().parent / "logs" / "demo.log"
    log_to_file(log_path, "INFO")
    settings = {**LOOPBACK_SETTINGS, "LOG_ENABLED": False, **parse_overrides(overrides)}
    if sys.stderr.isatty():
        settings.setdefault("ARCHIVE_PROGRESS", True)
    with server, tempfile.TemporaryDirectory() as tmp:
        registry = str(server.write_registry(Path(tmp) / "demo-portals.toml"))
        for site in server.sites:
            click.echo(f"replica {site.portal_id} ({site.family}, {len(site.articles)} articles) at {site.base_url}/")
        click.echo(f"crawling them into {db_path}; the full log is in {log_path}")
        portals = load_registry(registry)
        settings.setdefault("ARCHIVE_PROGRESS_PORTALS", len(portals))
        ok = crawl_and_report(portals, db_path, registry, settings)
    if not ok:
        sys.exit(1)
    if not no_serve:
        serve_archive(db_path, port)


@cli.command()
@DB_OPTION
@click.option("--port", default=8001, show_default=True, help="Port on 127.0.0.1")
@click.option("--immutable", is_flag=True, help="The file never changes while served (a `govnews publish` snapshot)")
def serve(db_path, port, immutable) -> None:
    """Serve the archive with Datasette (read-only), with search, facets and column descriptions.

    Example:

    \b
        govnews publish --db archive.db --to public/archive.db
        govnews serve --db public/archive.db --immutable --port 8001
    """
    serve_archive(db_path, port, immutable)


def datasette_command(db_path: str, port: int, metadata_path: Path, inspect_path: Path | None = None) -> list[str]:
    """Return the Datasette command line for an archive; with inspect_path, for an immutable snapshot with counts."""
    files = ["-i", db_path, "--inspect-file", str(inspect_path)] if inspect_path else [db_path]
    command = [sys.executable, "-m", "datasette", "serve", *files, "--host", "127.0.0.1", "--port", str(port),
               "--metadata", str(metadata_path)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    return command


def serve_archive(db_path: str, port: int, immutable: bool = False) -> None:
    """Run Datasette on the archive until interrupted."""
    from scraper.archive import Archive
    from scraper.datasette.metadata import build_metadata
    from scraper.facet_counts import inspect_data

    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no archive here (run `govnews crawl` or `govnews demo` first)")
    if not immutable:
        Archive(db_path).close()  # bring the schema up to date before serving
    with tempfile.TemporaryDirectory() as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata_path.write_text(json.dumps(build_metadata(Path(db_path).stem), ensure_ascii=False), encoding="utf-8")
        inspect_path = None
        if immutable:  # row counts taken once: the file never changes while served
            from scraper.unattended import being_written

            written = being_written(db_path)
            if written:  # immutable would serve stale pages, and counts that no longer hold, without a word
                raise click.ClickException(f"{db_path}: not immutable: {written}; serve it without --immutable, "
                                           "or serve a snapshot (govnews publish)")
            try:
                counts = inspect_data(Path(db_path))
            except sqlite3.DatabaseError as exc:
                raise click.ClickException(f"{db_path}: not a govnews archive ({exc})") from None
            inspect_path = Path(tmp) / "inspect.json"
            inspect_path.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
        click.echo(f"Datasette: http://127.0.0.1:{port}/  (Ctrl-C to stop)", nl=True)
        sys.stdout.flush()
        run_until_signal(datasette_command(db_path, port, metadata_path, inspect_path))


def run_until_signal(command: list[str]) -> int:
    """Run a child process; SIGTERM or SIGINT to us stops it too (no orphaned Datasette)."""
    import signal

    child = subprocess.Popen(command)

    def forward(signum, frame) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "parquet", "warc"]), required=True,
              help="parquet: typed columns, zstd, needs -o; warc: the raw pages as WARC records (gzip), for other web archives")
@click.option("--portal", "portal_ids", multiple=True, help="Only this portal; repeatable")
@click.option("--province", "provinces", multiple=True, help="Only portals of this province (with or without diacritics); repeatable")
@click.option("--level", "levels", multiple=True, type=click.Choice(["province", "district", "commune"]),
              help="Only portals of this level; repeatable")
@click.option("--since", default="", callback=lambda ctx, param, value: _date_option(value, last=False),
              help="Published on or after: 2024, 2024-02, 2024-02-01 or 01/02/2024 (a year or month: from its start)")
@click.option("--until", default="", callback=lambda ctx, param, value: _date_option(value, last=True),
              help="Published on or before, the same forms (a year or month: to its end)")
@click.option("--search", default="", help="Full-text query on title and text, as in the search box: words together are one term; \"phrase\", -term, OR, AND, prefix* (docs/search.md)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="-", help="File [stdout]")
@click.option("--raw", is_flag=True, help="CSV: keep cells starting with = + - @ exactly (no leading ')")
def export(db_path, fmt, portal_ids, provinces, levels, since, until, search, output, raw) -> None:
    """Export articles with every column, streamed (memory stays flat).

    CSV is UTF-8 with a byte-order mark, so spreadsheet programs show Vietnamese right. A cell
    that starts with =, +, -, @, a tab or a carriage return gets a leading ' so that a
    spreadsheet shows it as text and never runs it as a formula; --raw keeps such cells exact.
    -o writes a temporary file beside FILE and renames it when complete.

    Example:

    \b
        govnews export --format csv --portal can-tho.vinh-thanh --since 2024-01-01 -o vinh-thanh.csv
        govnews export --format parquet --province "Đồng Nai" --level district --until 30/06/2025 -o dong-nai.parquet

    Rows carry every articles column, then the portal's province, level and successor unit.
    """
    from scraper.archive import Archive

    if fmt == "parquet" and output == "-":
        raise click.UsageError("--format parquet writes a file: give -o FILE")
    try:
        archive = Archive(db_path, readonly=True)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        # unknown names fail here, before the output file is opened (and an earlier export in it truncated)
        portal_ids = _chosen_portals(archive, portal_ids, provinces, levels)
        if fmt == "warc":
            if since or until or search:
                raise click.UsageError("--format warc exports raw pages by portal only (no --since, --until, --search)")
            _export_warc(archive, output, portal_ids)
            return
        count = _export_articles(archive, fmt, output, archive.iter_articles(portal_ids, since, until, search), raw)
    except OSError as exc:  # the output's folder cannot be made or written (read-only, /proc, a full disk)
        raise click.ClickException(f"{output}: cannot write the export there ({exc.strerror or exc})") from None
    finally:
        archive.close()
    click.echo(f"{count} articles", err=True)


def _date_option(value: str, last: bool) -> str:
    """Return --since/--until as the first or last day it names ('' when not given); a one-line error otherwise."""
    from scraper.vietnamese import date_bound

    if not value:
        return ""
    try:
        return date_bound(value, last=last)
    except ValueError as exc:
        raise click.ClickException(f"--{'until' if last else 'since'}: {exc}") from None


def _chosen_portals(archive, portal_ids: tuple[str, ...], provinces: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
    """Return the portal ids an export is limited to (() for all); an unknown portal or province is an error."""
    from scraper.vietnamese import fold

    known = {row[0]: (row[1] or "", row[2] or "") for row in archive.db.execute("SELECT id, province, level FROM portals")}
    unknown = [pid for pid in portal_ids if pid not in known]
    if unknown:
        raise click.ClickException(f"no portal {', '.join(unknown)} in {archive.path} (govnews portals list shows the registry's)")
    folded = {fold(p) for p in provinces}
    missing = folded - {fold(province) for province, _ in known.values()}
    if missing:
        names = sorted({province for province, _ in known.values()})
        raise click.ClickException(f"no portal of province {', '.join(p for p in provinces if fold(p) in missing)} "
                                   f"in {archive.path}; provinces: {', '.join(names)}")
    if not (provinces or levels):
        return portal_ids
    chosen = [pid for pid, (province, level) in known.items() if (not provinces or fold(province) in folded)
              and (not levels or level in levels) and (not portal_ids or pid in portal_ids)]
    if not chosen:
        raise click.ClickException("no portal has every property asked for (--portal, --province, --level)")
    return tuple(sorted(chosen))


def _export_warc(archive, output: str, portal_ids) -> None:
    """Write the raw pages as WARC records to a file or stdout."""
    from scraper.atomic import replaced_whole
    from scraper.warcs import export_warc

    if output == "-":
        count = export_warc(archive, sys.stdout.buffer, portal_ids)
    else:
        with replaced_whole(output) as partial, open(partial, "wb") as out:
            count = export_warc(archive, out, portal_ids)
    click.echo(f"{count} WARC records", err=True)


def _export_articles(archive, fmt: str, output: str, rows, raw: bool = False) -> int:
    """Write article rows as CSV, JSON, JSON Lines or Parquet; return how many."""
    from scraper.atomic import replaced_whole
    from scraper.export import write_parquet, write_rows

    if fmt == "parquet":
        with replaced_whole(output) as partial:
            return write_parquet(rows, str(partial), archive.export_column_types())
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    if output == "-":
        return write_rows(rows, fmt, _stdout(encoding), [name for name, _ in archive.export_column_types()], raw=raw)
    # written beside the file and renamed when complete: a killed export leaves the earlier one whole
    with replaced_whole(output) as partial, open(partial, "w", encoding=encoding, newline="") as out:
        return write_rows(rows, fmt, out, [name for name, _ in archive.export_column_types()], raw=raw)


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file [spiders/portals.toml]")
@DB_OPTION
def import_warc_command(files, registry, db_path) -> None:
    """Store the articles of WARC files (gzip'd or not) whose hosts are registry portals.

    Each page goes through the same extraction as a crawl, and only articles are kept (home pages,
    listings and other pages are counted as skipped); a portal still `auto` is detected from its
    home page in the WARC. Rows carry source = warc, the record's file and offset (capture_url)
    and its WARC-Date (captured_at).

    \b
        govnews import-warc collection-*.warc.gz --db archive.db
    """
    from scraper.archive import Archive
    from scraper.crawl import default_registry
    from scraper.warcs import import_warc

    from scraper.warcs import NotAWarc, check_warc

    portals = choose_portals(registry or str(default_registry()), (), True, include_offline=True)
    try:  # before the archive is opened: a file that is no WARC leaves no new archive behind
        for file in files:
            check_warc(Path(file))
    except NotAWarc as exc:
        raise click.ClickException(str(exc)) from None
    with one_writer(db_path):
        archive = Archive(db_path)
        try:
            archive.upsert_portals(portals)
            counts = import_warc([Path(f) for f in files], archive, portals)
        except NotAWarc as exc:  # damaged further in: what came before it is stored
            raise click.ClickException(str(exc)) from None
        finally:
            archive.close()
    for outcome, n in sorted(counts.items()):
        click.echo(f"{outcome}: {n}")
    if not any(counts[outcome] for outcome in ("new", "unchanged", "changed")):
        # an empty import is a failure to see, not a quiet "ok": the wrong registry, a mirror of other sites
        raise click.ClickException(f"no article of a registry portal in {len(files)} WARC file(s) "
                                   f"({sum(counts.values())} pages read); nothing stored")


@cli.command()
@click.option("--portal", "portal_ids", multiple=True, help="Portal id; repeatable [every portal]")
@DB_OPTION
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file, for portals' hints [spiders/portals.toml]")
@click.option("--force", is_flag=True, help="Re-derive rows already at the current extractor version too")
def reextract(portal_ids, db_path, registry, force) -> None:
    """Re-derive stored articles from their raw pages with the current extractor.

    Each row's changed fields are written and counted per column; a changed title or text keeps
    the earlier one in article_versions. Rows at the current extractor_version are passed over,
    so a stopped run resumes. Exits 1 when the selection holds no article at all.

    Example:

    \b
        govnews reextract --db /srv/govnews/archive.db --portal cantho.vinh-thanh
    """
    from scraper.crawl import default_registry
    from scraper.extract import NO_HINTS
    from scraper.registry import RegistryError, load_registry
    from scraper.reextract import reextract as run
    from scraper.settings import ARCHIVE_EXTRACT_TIMEOUT, ARCHIVE_EXTRACT_WORKERS

    try:
        hints = {p.id: p.hints for p in load_registry(registry or default_registry())}
    except RegistryError:
        if registry:
            raise
        hints = {}  # an archive read without its registry: no portal has hints
    with one_writer(db_path) if Path(db_path).exists() else contextlib.nullcontext():
        outcome = run(db_path, portal_ids, lambda pid: hints.get(pid, NO_HINTS), ARCHIVE_EXTRACT_WORKERS,
                      ARCHIVE_EXTRACT_TIMEOUT, force)
    click.echo(outcome.summary())
    if outcome.rows + outcome.current + outcome.not_article + outcome.failed + outcome.no_raw_page == 0:
        raise click.ClickException(f"{db_path}: no stored article" + (f" of {', '.join(portal_ids)}" if portal_ids else ""))


@cli.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--fail-on-alert", is_flag=True, help="Exit 1 when any portal has an alert")
def report(db_path, fmt, fail_on_alert) -> None:
    """Each portal's health: last ok crawl, new articles against its own 28-day baseline, error and
    extraction failure rates, share without date or author, and an alert when it broke or went quiet.

    The same rows are the `portal_health` view in Datasette. Exits 1 with --fail-on-alert when any
    portal has an alert.

    Example:

    \b
        govnews report --db /srv/govnews/archive.db --fail-on-alert
    """
    from scraper.export import write_rows
    from scraper.health import health_table, portal_health

    try:
        columns, rows = portal_health(db_path)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    out = _stdout("utf-8")
    if fmt == "text":
        out.write(health_table(rows) + "\n")
    else:
        write_rows(rows, fmt, out, columns)
    out.flush()
    if fail_on_alert and any(row["alert"] for row in rows):
        sys.exit(1)


@cli.command()
@DB_OPTION
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False),
              help="The snapshot file Datasette serves, e.g. public/archive.db")
def publish(db_path, target) -> None:
    """Write a verified snapshot of the archive to publish (VACUUM INTO, integrity_check, then swap in).

    The published file is replaced only when the new snapshot passes its checks; a failed
    check leaves it as it was and exits 1. Serve it with `govnews serve --db FILE --immutable`.

    \b
        govnews publish --db archive.db --to public/archive.db
    """
    from scraper.publish import SnapshotError, publish_snapshot

    try:
        snapshot = publish_snapshot(db_path, target)
    except (FileNotFoundError, SnapshotError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"published {snapshot.articles} articles to {snapshot.path} "
               f"({snapshot.size_bytes / 1e6:.1f} MB, integrity ok) in {snapshot.seconds:.1f} s")


def _stdout(encoding: str):
    """Return stdout reconfigured for the export's encoding."""
    sys.stdout.reconfigure(encoding=encoding, newline="")
    return sys.stdout


@cli.group()
def portals() -> None:
    """Look at the portal registry.

    Example:

    \b
        govnews portals list
    """


@portals.command("list")
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file [spiders/portals.toml]")
def portals_list(registry) -> None:
    """List the registry's portals: id, level, family, status, base URL.

    Example:

    \b
        govnews portals list | grep district
    """
    from scraper.crawl import default_registry

    try:
        rows = load_registry(registry or default_registry())
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    for p in rows:
        click.echo(f"{p.id}\t{p.level}\t{p.family}\t{p.status}\t{p.base_url}")



@portals.command("check")
@click.option("--portal", "portal_ids", multiple=True, help="Portal id; repeatable")
@click.option("--all", "all_", is_flag=True, help="Every portal of the registry")
@click.option("--frozen-days", default=90, show_default=True, help="No new article in this many days: frozen")
@click.option("--registry", default=None, type=click.Path(dir_okay=False), help="Registry file [spiders/portals.toml]")
@DB_OPTION
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting; repeatable")
def portals_check(portal_ids, all_, frozen_days, registry, db_path, overrides) -> None:
    """Record whether each portal is active, frozen, redirected (and where) or offline.

    \b
        govnews portals check --all --db archive.db
    """
    from scraper.archive import Archive
    from scraper.crawl import crawl_settings, default_registry, run_checks
    from scraper.lifecycle import lifecycle

    registry = registry or str(default_registry())
    chosen = choose_portals(registry, portal_ids, all_, include_offline=True)
    reach = run_checks(chosen, crawl_settings(db_path, registry, parse_overrides(overrides)))
    archive = Archive(db_path)
    try:
        archive.upsert_portals(chosen)
        for portal in chosen:
            found = lifecycle(portal.host, reach[portal.id], archive.newest_article(portal.id), frozen_days)
            changed = archive.record_check(portal.id, found.status, found.detail, found.target)
            click.echo(f"{portal.id}: {found.status} ({found.detail}){'' if changed else ' [unchanged]'}")
    finally:
        archive.close()


def fetch_on_host(url: str) -> tuple[bytes, str]:
    """GET an http(s) URL, following redirects on its own host only; return (first 8 MiB, final URL).

    A URL of another scheme (file:, ftp:, data:) or a redirect to another host ends in one line.
    """
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    from scraper.settings import USER_AGENT
    from scraper.urls import same_host

    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:  # "http://[::1": an unclosed IPv6 bracket
        raise click.ClickException(f"{url}: not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise click.ClickException(f"{url}: only http and https URLs are fetched")

    class SameHostRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if urlsplit(newurl).scheme not in ("http", "https") or not same_host(newurl, parts.hostname):
                raise urllib.error.URLError(f"redirects to {newurl}, off {parts.hostname}; not followed")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), SameHostRedirects(),
                    urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)  # no file:, ftp: or data: handler, and no proxy from the environment
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=30) as response:
            return response.read(8 * 1024 * 1024), response.geturl()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise click.ClickException(f"{url}: {getattr(exc, 'reason', exc)}") from None


@portals.command("detect")
@click.argument("url")
def portals_detect(url) -> None:
    """Fetch a portal's home page and print its CMS family with the evidence.

    Example:

    \b
        govnews portals detect https://vinhthanh.cantho.gov.vn/
    """
    from scraper.detect import detect_family
    from scraper.extract import decode_html

    body, final_url = fetch_on_host(url)
    detection = detect_family(decode_html(body))
    click.echo(f"{detection.family}\t(score {detection.score}){'' if final_url == url else f' after redirect to {final_url}'}")
    for line in detection.evidence:
        click.echo(f"  - {line}")


@cli.group()
def fixture() -> None:
    """Save portal pages as test fixtures.

    Example:

    \b
        govnews fixture save https://vinhthanh.cantho.gov.vn/news/ --portal can-tho.vinh-thanh --family nukeviet --kind listing
    """


@fixture.command("save")
@click.argument("url")
@click.option("--portal", "portal_id", required=True, help="Portal id: the fixture folder")
@click.option("--family", required=True, type=click.Choice([f for f in FAMILIES if f != "auto"]),
              help="The portal's family (spider name)")
@click.option("--kind", type=click.Choice(["article", "listing"]), required=True)
@click.option("--name", default="", help="File name without .html [article-<date> or listing-1]")
@click.option("--dir", "folder", default="tests/fixtures", show_default=True, type=click.Path(file_okay=False))
def fixture_save(url, portal_id, family, kind, name, folder) -> None:
    """Fetch a page once and save it (with its URL, family and kind) for the fixture tests.

    Then run `pytest -k <portal> --update-golden` and read the JSON it writes before committing.

    Example:

    \b
        govnews fixture save https://example.gov.vn/news/a-1.html --portal ha-noi.dong-da --family nukeviet --kind article
    """
    import urllib.error

    from scraper.crawl import family_hints
    from scraper.fixtures import save_fixture

    try:
        path = save_fixture(url, portal_id, family, kind, Path(folder), name, family_hints(family))
    except (urllib.error.URLError, OSError) as exc:
        raise click.ClickException(f"{url}: {getattr(exc, 'reason', exc)}") from None
    click.echo(str(path))

if __name__ == "__main__":
    cli()
