"""Scrapy commands of the project (COMMANDS_MODULE): plain `scrapy crawl` as a first-class way to crawl a portal."""
