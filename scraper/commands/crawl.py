"""`scrapy crawl FAMILY -a portal=ID`: Scrapy's own crawl, with what a plain Scrapy user needs from govnews (#20).

- A spider that names `required_arguments` (every portal spider: `portal`) without them, or a
  portal id the registry does not hold, is a usage error (one line, exit 2), not a traceback.
- `-o` feeds carry articles only (a re-check that found nothing to store is no article); their
  fields are FEED_EXPORT_FIELDS, the article without its raw bytes.
- The crawl holds the archive's crawl lock, as `govnews crawl` does: one writer at a time. When
  another crawl holds it, this one says so in one line and exits 1 without crawling.
- The exit status is 1 when the portal's run failed (store errors included), as `govnews crawl`.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from scraper.registry import RegistryError, load_registry, select_portals
from scraper.unattended import CrawlRunning, crawl_lock

RUN_STATUS = "archive/run_status"  # set by scraper.runs.CrawlRunRecorder


class Command(ScrapyCrawl):
    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        feeds = self.settings.getdict("FEEDS")
        if feeds:
            for options in feeds.values():
                options.setdefault("item_classes", ["scraper.items.Article"])
            self.settings.set("FEEDS", feeds, priority="cmdline")

    def run(self, args, opts) -> None:
        if len(args) != 1:
            return super().run(args, opts)
        spidercls = self.crawler_process.spider_loader.load(args[0])
        missing = [name for name in getattr(spidercls, "required_arguments", ()) if name not in opts.spargs]
        if missing:
            raise UsageError(f"scrapy crawl {args[0]} needs " + " ".join(f"-a {name}=…" for name in missing)
                             + " (a portal's registry id: govnews portals list)", print_help=False)
        if "portal" in opts.spargs:
            try:
                select_portals(load_registry(self.settings["ARCHIVE_REGISTRY"]), [opts.spargs["portal"]])
            except RegistryError as exc:
                raise UsageError(str(exc), print_help=False) from None
        try:
            with crawl_lock(self.settings["ARCHIVE_DB_PATH"]):
                crawler = self._create_crawler(spidercls)
                self.crawler_process.crawl(crawler, **opts.spargs)
                self.crawler_process.start()
        except CrawlRunning as exc:
            print(f"scrapy: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        if self.crawler_process.bootstrap_failed or crawler.stats.get_value(RUN_STATUS, "ok") != "ok":
            self.exitcode = 1
