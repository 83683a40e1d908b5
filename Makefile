# The README's two commands: `make demo` and `make test`. Both bootstrap .venv from plain python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
REDIS    := /usr/bin/redis-server

.PHONY: demo test bench clean venv

venv: $(STAMP)

# pip is upgraded first: the machine's old pip fails to resolve lxml[html_clean]
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/govnews demo

# The browser tests drive Debian's chromium (Playwright downloads no browser); apt-get needs root or sudo.
$(CHROMIUM):
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq chromium

# The scale-out tests start Debian's redis-server on loopback (scrapy-redis's queue and the writer's list).
$(REDIS):
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq redis-server

# The real-platform tests run Debian's WordPress (and NukeViet's PHP) on Apache, mod_php and MariaDB.
# One file each package set installs stands for the set (scraper/demo/platforms.py PACKAGES).
PLATFORMS := /usr/share/wordpress/wp-content/themes/twentytwentyone/style.css
PLATFORM_PACKAGES := mariadb-server apache2 libapache2-mod-php php-mysql php-xml php-mbstring php-gd \
	php-curl php-zip php-intl wordpress wordpress-l10n wordpress-theme-twentytwentythree wordpress-theme-twentytwentyone
$(PLATFORMS):
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq --no-install-recommends $(PLATFORM_PACKAGES)

# pywb, the software of Common Crawl's index server, for the web-archive tests: a venv of its own,
# since its pins (warcio, gevent, requests, redis) are not the project's.
PYWB_VENV  := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed
$(PYWB_STAMP): constraints-pywb.txt
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/python -m pip install --quiet -c constraints-pywb.txt pywb
	touch $(PYWB_STAMP)

# The import-warc test reads a WARC that GNU Wget writes (--warc-file) from the replicas.
WGET := /usr/bin/wget
$(WGET):
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq wget

test: $(STAMP) $(PYWB_STAMP) $(CHROMIUM) $(REDIS) $(PLATFORMS) $(WGET)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/e2e.py

clean:
	rm -rf $(VENV) $(PYWB_VENV) archive.db archive.db-wal archive.db-shm
