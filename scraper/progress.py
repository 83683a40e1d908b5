"""A live progress line on the terminal for a whole `govnews crawl`: portals done, pages, articles, errors, rate.

One Scrapy crawler runs per portal, all in one process; each registers its stats with the
process-wide board, which redraws one line on stderr every ARCHIVE_PROGRESS_INTERVAL seconds.
Enabled by ARCHIVE_PROGRESS (the CLI turns it on when stderr is a terminal); under cron the
line is never drawn.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured


class Board:
    """Totals over every crawler of the process, drawn as one line."""

    def __init__(self, stream=None, interval: float = 1.0, portals: int = 0):
        self.stream = stream or sys.stderr
        self.interval = interval
        self.portals = portals
        self.crawlers: list = []
        self.closed = 0
        self.started = time.monotonic()
        self.loop = None

    def line(self) -> str:
        """Return the progress line as it stands now."""
        stats = [crawler.stats.get_stats() for crawler in self.crawlers]
        pages = sum(s.get("response_received_count", 0) for s in stats)
        # new or changed articles stored; on a scale-out worker, the articles sent to the writer
        articles = sum(s.get("archive/articles_new", 0) + s.get("archive/articles_changed", 0) + s.get("archive/sent", 0)
                       for s in stats)
        errors = sum(v for s in stats for k, v in s.items() if k.startswith("archive/errors/"))
        elapsed = max(time.monotonic() - self.started, 1e-6)
        portals = self.portals or len(self.crawlers)
        return (f"portals {self.closed}/{portals} done · {pages} pages · {articles} articles · {errors} errors · "
                f"{pages / elapsed:.1f} pages/s")

    def draw(self) -> None:
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def start(self) -> None:
        if self.loop is None:
            from twisted.internet import task

            self.loop = task.LoopingCall(self.draw)
            self.loop.start(self.interval, now=False)

    def finish(self) -> None:
        """Draw the last line and end it, once every portal has closed."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.draw()
        self.stream.write("\n")
        self.stream.flush()


_board: Board | None = None


def board(settings) -> Board:
    """Return the process's board, made on first use."""
    global _board
    if _board is None:
        _board = Board(interval=settings.getfloat("ARCHIVE_PROGRESS_INTERVAL", 1.0),
                       portals=settings.getint("ARCHIVE_PROGRESS_PORTALS", 0))
    return _board


class ProgressLine:
    """Scrapy extension: registers each portal's crawler with the board and counts it done when it closes."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.board = board(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        if spider.name == "detect":  # the family detection before an `auto` portal's crawl
            return
        self.board.crawlers.append(self.crawler)
        self.board.start()

    def spider_closed(self, spider) -> None:
        if spider.name == "detect":
            return
        self.board.closed += 1
        if self.board.closed >= (self.board.portals or len(self.board.crawlers)):
            self.board.finish()
