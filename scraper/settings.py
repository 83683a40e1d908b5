"""Scrapy settings of govnews. Our own settings are prefixed ARCHIVE_.

The defaults are for real portals: polite, robots.txt obeyed, one request at a time per host.
The demo and the tests override them for replicas on loopback (see LOOPBACK_SETTINGS).
"""

import os

from scraper.items import FEED_FIELDS

BOT_NAME = "govnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- govnews ---------------------------------------------------------------------------------
ARCHIVE_DB_PATH = "archive.db"
ARCHIVE_REGISTRY = "spiders/portals.toml"
ARCHIVE_RUN_ID = ""  # set by `govnews crawl`; one id for all portals of one run
ARCHIVE_REDIS_URL = ""  # `govnews crawl --redis URL`: a scale-out worker (scraper/distributed.py)
ARCHIVE_WORKER_ID = ""  # a scale-out worker's name: host, pid, a random part
ARCHIVE_CONTACT_URL = "https://github.com/govnews/govnews"  # operators: set your own
ARCHIVE_MAX_PAGE_BYTES = 8 * 1024 * 1024
ARCHIVE_MAX_PAGES = 5000  # per portal and run
ARCHIVE_GENERIC_MAX_HOPS = 3  # generic spider: link hops from the home page (pagination not counted)
ARCHIVE_EXTRACT_WORKERS = os.cpu_count() or 2  # processes for extraction, off the reactor thread
ARCHIVE_EXTRACT_ENABLED = True  # False: fetch only (the bench's fetch ceiling)
ARCHIVE_EXTRACT_TIMEOUT = 20  # seconds per page; the worker is stopped and the page skipped
ARCHIVE_RECHECK_LIMIT = 200  # archived articles re-checked per portal and run, the longest unchecked first
ARCHIVE_RECHECK_AT = ""  # the moment re-checks are scheduled for (ISO 8601); empty: now
ARCHIVE_DETECT_MAX_AGE_DAYS = 30  # `auto` portals: reuse a detection this recent, else detect again
ARCHIVE_FRONTIER_ENABLED = True  # keep pending and done requests in the archive; a killed crawl resumes
ARCHIVE_FRONTIER_MAX_AGE_DAYS = 7  # an interrupted crawl older than this starts afresh instead
ARCHIVE_PROGRESS = False  # a live line on stderr (`govnews crawl` turns it on when stderr is a terminal)
ARCHIVE_PROGRESS_INTERVAL = 1.0  # seconds between redraws
ARCHIVE_PROGRESS_PORTALS = 0  # portals in this crawl (set by the CLI); 0: those started so far
# Web-archive services for `govnews recover` (issue #6); tests and other archives point elsewhere.
ARCHIVE_WAYBACK_URL = "https://web.archive.org"  # CDX at /cdx/search/cdx, replay at /web/
ARCHIVE_CC_INDEX_URL = "https://index.commoncrawl.org"  # /collinfo.json and the per-crawl indexes
ARCHIVE_CC_DATA_URL = "https://data.commoncrawl.org"  # WARC files, fetched by Range
ARCHIVE_SERVICE_RATE = 0.25  # requests per second to each archive service (15 a minute)
# Retries of 429 and 503 wait as Retry-After says, else ARCHIVE_BACKOFF_BASE * 2^attempt s; at most:
ARCHIVE_RETRY_AFTER_MAX = 120
ARCHIVE_BACKOFF_BASE = 2

# --- politeness (real hosts) -----------------------------------------------------------------
USER_AGENT_TEMPLATE = "govnews/0.1 (research archive of Vietnamese local-government news; +{contact})"
USER_AGENT = USER_AGENT_TEMPLATE.format(contact=ARCHIVE_CONTACT_URL)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Each portal has its own spider and scheduler here, so the plain priority queue loses nothing.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.ScrapyPriorityQueue"
# Each portal's crawler has slots of its own: the server gate spaces requests to one server by
# DOWNLOAD_DELAY across all crawlers of the process, and across scale-out workers (in Redis).
# Portals that share one server (many communes of a province on one VNPT or Viettel host) share
# one gate, keyed by the server's IP address. (Scrapy's CONCURRENT_REQUESTS_PER_IP did this within
# one crawler; it is deprecated since Scrapy 2.13.)
ARCHIVE_SERVER_GATE = True
ARCHIVE_GATE_BY_IP = True
DOWNLOAD_DELAY = 2
# The delay is a floor: no 0.5x-1.5x jitter (we identify ourselves; we need not look random).
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
CLOSESPIDER_PAGECOUNT = ARCHIVE_MAX_PAGES
CLOSESPIDER_ERRORCOUNT = 200

# --- safety: limits and surfaces we do not need -----------------------------------------------
DOWNLOAD_MAXSIZE = ARCHIVE_MAX_PAGE_BYTES
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = False
MEMUSAGE_LIMIT_MB = 2048

REQUEST_FINGERPRINTER_CLASS = "scraper.frontier.RangeAwareFingerprinter"
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.politeness.RetryAfterMiddleware": 550,  # Scrapy's retry, waiting as 429 and 503 ask
    # robots.txt read once per host and crawl, not once per portal's crawler (and detection)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.politeness.SharedRobotsTxtMiddleware": 100,
    # Last before the download: robots.txt and the offsite filter have let the request through.
    "scraper.politeness.ServerGate": 960,
}
# Closest to the engine: it sees the requests every other middleware let through.
SPIDER_MIDDLEWARES = {"scraper.frontier.FrontierMiddleware": 10}
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {"scraper.runs.CrawlRunRecorder": 500, "scraper.progress.ProgressLine": 510}

LOG_LEVEL = "INFO"
# An item that fails or is dropped is logged in one line (its portal, URL and reason), not whole.
LOG_FORMATTER = "scraper.logformatter.OneLineLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl … -o items.jsonl`: the article's fields without its raw bytes (page, headers, MinHash).
FEED_EXPORT_FIELDS = list(FEED_FIELDS)
# Plain `scrapy crawl` checks its arguments and fails a failed run (scraper/commands/crawl.py).
COMMANDS_MODULE = "scraper.commands"

# Overrides for replica portals on loopback: no delay, no throttling, parallel requests.
LOOPBACK_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 10,
}
