"""Real platform software on loopback: MariaDB, Apache with mod_php, WordPress and NukeViet.

The replicas in this package are written by us; these are not. WordPress is Debian's `wordpress`
package (with its twentytwentythree and twentytwentyone themes and its Vietnamese translation),
installed through its own `wp-admin/install.php` and filled through its own REST API. Its pages,
feeds, sitemaps and archive pages are WordPress's own. The Makefile installs the Debian packages
(PLATFORM_PACKAGES, for `make test`); everything runs as the current user in a temporary folder, on free ports.
"""

from __future__ import annotations

import base64
import html
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scraper.demo.fleet import ROOT, free_port
from scraper.vietnamese import VIETNAM_TZ

WORDPRESS_SOURCE = Path("/usr/share/wordpress")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
STARTUP_SECONDS = 60  # a deadline for a server that never comes up, not a measurement

def missing_software() -> list[str]:
    """Return the programs and files these servers need that this machine lacks."""
    needed = [shutil.which("mariadbd") or "/usr/sbin/mariadbd", shutil.which("mariadb-install-db") or "mariadb-install-db",
              "/usr/sbin/apache2", str(APACHE_MODULES / "libphp8.2.so"), str(WORDPRESS_SOURCE / "wp-settings.php"),
              str(WORDPRESS_SOURCE / "wp-content/themes/twentytwentyone/style.css")]
    return [path for path in needed if not Path(path).exists()]


def _wait_until(ready, what: str, process: subprocess.Popen | None = None) -> None:
    """Poll ready() until it is true; fail when the process died or the deadline passed."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {STARTUP_SECONDS} s")
        time.sleep(0.1)


class MariaDB:
    """Debian's MariaDB server in a fresh data folder, on 127.0.0.1 and a free port; a context manager."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def socket(self) -> str:
        return str(self.folder / "mariadb.sock")

    def __enter__(self) -> MariaDB:
        data = self.folder / "data"
        data.mkdir(parents=True)
        subprocess.run(["mariadb-install-db", "--no-defaults", "--user=root" if os.getuid() == 0 else f"--user={os.getlogin()}",
                        f"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, capture_output=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", *(["--user=root"] if os.getuid() == 0 else []), f"--datadir={data}",
             f"--socket={self.socket}", f"--port={self.port}", "--bind-address=127.0.0.1", "--skip-log-bin",
             "--innodb-buffer-pool-size=32M", f"--pid-file={self.folder / 'mariadb.pid'}"],
            stdout=subprocess.DEVNULL, stderr=(self.folder / "mariadb.log").open("wb"))
        _wait_until(lambda: self._answers(), "mariadbd", self.process)
        return self

    def _answers(self) -> bool:
        done = subprocess.run(["mariadb", "--no-defaults", "-S", self.socket, "-uroot", "-e", "SELECT 1"],
                              capture_output=True)
        return done.returncode == 0

    def sql(self, statement: str, database: str = "") -> str:
        """Run SQL as root and return what the client printed (tab-separated, no headers)."""
        done = subprocess.run(["mariadb", "--no-defaults", "-S", self.socket, "-uroot", "-N", "-B",
                               *([database] if database else []), "-e", statement],
                              capture_output=True, text=True, check=True)
        return done.stdout

    def create_database(self, name: str) -> None:
        """Create a utf8mb4 database and a user of the same name and password, allowed from loopback."""
        self.sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; "
                 f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{name}'; "
                 f"GRANT ALL ON `{name}`.* TO '{name}'@'127.0.0.1';")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


class Apache:
    """Debian's Apache with mod_php serving one folder on 127.0.0.1 and a free port; a context manager.

    The folder's own .htaccess files apply (AllowOverride All), as on a shared host: WordPress's
    and NukeViet's rewrite rules are theirs."""

    def __init__(self, folder: Path, docroot: Path, port: int = 0):
        self.folder = folder
        self.docroot = docroot
        self.port = port or free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in
                            ("mpm_prefork", "authz_core", "dir", "mime", "rewrite", "env", "headers", "setenvif",
                             "alias", "access_compat"))
        return f"""ServerRoot {self.folder}
Listen 127.0.0.1:{self.port}
PidFile {self.folder}/httpd.pid
ErrorLog {self.folder}/error.log
LogFormat "%r %>s" short
CustomLog {self.folder}/access.log short
{modules}
LoadModule php_module {APACHE_MODULES}/libphp8.2.so
TypesConfig /etc/mime.types
User www-data
Group www-data
ServerName 127.0.0.1
StartServers 2
MinSpareServers 2
MaxSpareServers 6
MaxRequestWorkers 12
DocumentRoot {self.docroot}
DirectoryIndex index.php index.html
AddType application/x-httpd-php .php
<Directory {self.docroot}>
  AllowOverride All
  Options FollowSymLinks
  Require all granted
</Directory>
"""

    def __enter__(self) -> Apache:
        conf = self.folder / "httpd.conf"
        conf.write_text(self.config(), encoding="utf-8")
        subprocess.run(["/usr/sbin/apache2", "-f", str(conf), "-k", "start"], check=True, capture_output=True)
        _wait_until(self._answers, "apache2")
        return self

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.base_url}/robots.txt", timeout=5)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def requests(self) -> list[str]:
        """Return the request lines Apache logged ("GET /path HTTP/1.1 200")."""
        log = self.folder / "access.log"
        return log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []

    def __exit__(self, *exc) -> None:
        subprocess.run(["/usr/sbin/apache2", "-f", str(self.folder / "httpd.conf"), "-k", "stop"], capture_output=True)
        pid = self.folder / "httpd.pid"
        deadline = time.monotonic() + 30
        while pid.exists() and time.monotonic() < deadline:
            time.sleep(0.1)


def _give_to_web_server(path: Path) -> None:
    """Let Apache's user write there (uploads, caches), as a host's installation guide says."""
    if os.getuid() == 0:
        subprocess.run(["chown", "-R", "www-data:www-data", str(path)], check=True)


_SWITCHES_PLUGIN = r"""<?php
/* govnews tests: a site with its sitemap or its feeds switched off, as a plugin would do it. */
if (get_option('govnews_no_sitemap')) {
    add_filter('wp_sitemaps_enabled', '__return_false');
}
if (get_option('govnews_no_feed')) {
    remove_action('wp_head', 'feed_links', 2);
    remove_action('wp_head', 'feed_links_extra', 3);
    foreach (array('do_feed', 'do_feed_rdf', 'do_feed_rss', 'do_feed_rss2', 'do_feed_atom') as $feed) {
        remove_all_actions($feed);
        add_action($feed, function () { status_header(404); exit; }, 1);
    }
}
"""

_HTACCESS = """# BEGIN WordPress (as wp-admin/options-permalink.php writes it)
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteBase /
RewriteRule ^index\\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
</IfModule>
# END WordPress
"""


@dataclass(frozen=True)
class Post:
    """An article as the platform stored and prints it: what a correct archive must hold for it."""

    id: int
    link: str
    title: str
    published: str
    """Its date in Vietnam time (+07:00), as printed: YYYY-MM-DDTHH:MM:SS."""
    author: str
    credit: str
    attachments: tuple[str, ...]


class PhpSite:
    """A PHP platform in a folder of its own, served by its own Apache, with a database on MariaDB."""

    def __init__(self, folder: Path, database: MariaDB, name: str, title: str):
        self.folder = folder
        self.database = database
        self.name = name
        self.title = title
        self.docroot = folder / "site"
        self.apache = Apache(folder, self.docroot)

    @property
    def base_url(self) -> str:
        return self.apache.base_url

    def __exit__(self, *exc) -> None:
        self.apache.__exit__(*exc)


class WordPress(PhpSite):
    """Debian's WordPress, a copy of /usr/share/wordpress on Apache and MariaDB; a context manager.

    Installed in Vietnamese through install.php, then driven through its REST API with an
    application password, as an editor's tool would."""

    USER = "bientap"
    PASSWORD = "Govnews-thu-nghiem-2025"

    def __init__(self, folder: Path, database: MariaDB, name: str, title: str):
        super().__init__(folder, database, name, title)
        self.auth = ""

    def __enter__(self) -> WordPress:
        shutil.copytree(WORDPRESS_SOURCE, self.docroot, symlinks=True)
        self.database.create_database(self.name)
        (self.docroot / "wp-config.php").write_text(self._config(), encoding="utf-8")
        (self.docroot / ".htaccess").write_text(_HTACCESS, encoding="utf-8")
        plugins = self.docroot / "wp-content" / "mu-plugins"
        plugins.mkdir(exist_ok=True)
        (plugins / "govnews-switches.php").write_text(_SWITCHES_PLUGIN, encoding="utf-8")
        _give_to_web_server(self.docroot / "wp-content")
        self.apache.__enter__()
        self._install()
        self.auth = self._application_password()
        return self

    def _config(self) -> str:
        keys = "".join(f"define('{key}', '{self.name}-{key.lower()}');\n" for key in
                       ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"))
        return ("<?php\n"
                f"define('DB_NAME', '{self.name}'); define('DB_USER', '{self.name}'); define('DB_PASSWORD', '{self.name}');\n"
                f"define('DB_HOST', '127.0.0.1:{self.database.port}'); define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');\n"
                f"{keys}"
                "define('WP_ENVIRONMENT_TYPE', 'local');\n"  # application passwords over plain HTTP
                "define('WP_HTTP_BLOCK_EXTERNAL', true); define('AUTOMATIC_UPDATER_DISABLED', true);\n"
                "define('DISABLE_WP_CRON', true);\n"
                "$table_prefix = 'wp_';\n"
                "if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');\n"
                "require_once ABSPATH . 'wp-settings.php';\n")

    def _install(self) -> None:
        form = {"weblog_title": self.title, "user_name": self.USER, "admin_password": self.PASSWORD,
                "admin_password2": self.PASSWORD, "pw_weak": "1", "admin_email": f"{self.USER}@example.org",
                "blog_public": "1", "language": "vi"}
        page = urllib.request.urlopen(f"{self.base_url}/wp-admin/install.php?step=2",
                                      urllib.parse.urlencode(form).encode(), timeout=120).read().decode()
        if "wp-login.php" not in page:
            raise RuntimeError(f"WordPress install.php did not finish: {page[:300]}")

    def _application_password(self) -> str:
        """Log in through wp-login.php, then create an application password through the REST API."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opener.open(f"{self.base_url}/wp-login.php", timeout=60).read()
        opener.open(f"{self.base_url}/wp-login.php", urllib.parse.urlencode(
            {"log": self.USER, "pwd": self.PASSWORD, "testcookie": "1"}).encode(), timeout=60).read()
        nonce = opener.open(f"{self.base_url}/wp-admin/admin-ajax.php?action=rest-nonce", timeout=60).read().decode()
        request = urllib.request.Request(f"{self.base_url}/wp-json/wp/v2/users/me/application-passwords",
                                         json.dumps({"name": "govnews"}).encode(),
                                         {"X-WP-Nonce": nonce, "Content-Type": "application/json"})
        password = json.loads(opener.open(request, timeout=60).read())["password"]
        return "Basic " + base64.b64encode(f"{self.USER}:{password}".encode()).decode()

    def api(self, route: str, payload: dict | None = None, method: str = "", body: bytes = b"",
            headers: dict | None = None):
        """Call the REST API (/wp-json/wp/v2/<route>) and return its decoded JSON."""
        data = json.dumps(payload).encode() if payload is not None else (body or None)
        request = urllib.request.Request(
            f"{self.base_url}/wp-json/wp/v2/{route}", data,
            {"Authorization": self.auth, **({"Content-Type": "application/json"} if payload is not None else {}),
             **(headers or {})}, method=method or ("POST" if data else "GET"))
        with urllib.request.urlopen(request, timeout=120) as reply:
            return json.loads(reply.read())

    def option(self, name: str, value: str) -> None:
        """Set a site option in the database, as a settings screen or plugin would."""
        quoted = value.replace("\\", "\\\\").replace("'", "\\'")
        self.database.sql(f"INSERT INTO wp_options (option_name, option_value, autoload) VALUES "
                          f"('{name}', '{quoted}', 'yes') ON DUPLICATE KEY UPDATE option_value = '{quoted}'",
                          self.name)

    def flush_rewrite_rules(self) -> None:
        """Have WordPress rebuild its rewrite rules on the next request, as saving Settings >
        Permalinks does: the rules install.php saves lack the category and tag archives."""
        self.database.sql("DELETE FROM wp_options WHERE option_name = 'rewrite_rules'", self.name)

    def use_theme(self, theme: str) -> None:
        """Activate one of the installed themes (Appearance > Themes does the same two options)."""
        self.option("template", theme)
        self.option("stylesheet", theme)

    def switch_off_feeds_and_sitemaps(self) -> None:
        """Switch WordPress's sitemap and feeds off (the must-use plugin reads these options)."""
        self.option("govnews_no_sitemap", "1")
        self.option("govnews_no_feed", "1")

    def add_user(self, display_name: str, login: str) -> int:
        return self.api("users", {"username": login, "name": display_name, "email": f"{login}@example.org",
                                  "password": self.PASSWORD, "roles": ["author"]})["id"]

    def add_term(self, taxonomy: str, name: str) -> int:
        return self.api(taxonomy, {"name": name})["id"]

    def upload(self, filename: str, content: bytes, mime: str) -> dict:
        return self.api("media", body=content, headers={
            "Content-Type": mime, "Content-Disposition": f'attachment; filename="{filename}"'})

    def add_post(self, fields: dict) -> dict:
        return self.api("posts", {"status": "publish", **fields})

    def add_page(self, title: str, content: str) -> dict:
        return self.api("pages", {"status": "publish", "title": title, "content": content})


def make_folder(prefix: str) -> Path:
    """Return a new temporary folder Apache's user can enter (the tests' tmp_path is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


CREDITS = ("Báo Cần Thơ", "Cổng TTĐT tỉnh Hà Tĩnh", "Trung tâm Văn hóa - Thông tin và Thể thao huyện")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def fill_wordpress(site: WordPress, articles) -> list[Post]:
    """Publish the articles as WordPress posts by their authors, under categories and tags, with
    source credits on every third and a linked PDF on every fifth; add the static pages every
    commune site has. Return what each post must be archived as."""
    site.api("settings", {"timezone": "Asia/Ho_Chi_Minh", "posts_per_page": 10})
    users = {name: site.add_user(name, f"tacgia{n}") for n, name in enumerate(sorted({a.author for a in articles}), 1)}
    categories = {cat: site.add_term("categories", f"Chuyên mục {cat}" if cat.isdigit() else cat.replace("-", " ").capitalize())
                  for cat in sorted({a.cat for a in articles})}
    tag = site.add_term("tags", "Cải cách hành chính")
    posts = []
    for n, article in enumerate(articles):
        credit = CREDITS[n % len(CREDITS)] if n % 3 == 0 else ""
        files = []
        blocks = [f"<p><strong>{article.summary}</strong></p>"] if article.summary else []
        blocks += [f"<p>{paragraph}</p>" for paragraph in article.paragraphs]
        if n % 5 == 0:
            media = site.upload(f"ke-hoach-{article.id}.pdf", PDF, "application/pdf")
            files.append(media["source_url"])
            blocks.append(f'<p>Tải về: <a href="{media["source_url"]}">Kế hoạch số {article.id}/KH-UBND</a>'
                          f' (<a href="{media["link"]}">trang tệp đính kèm</a>)</p>')  # WordPress's attachment page
        if credit:
            blocks.append(f"<p>Nguồn: {credit}</p>")
        made = site.add_post({"title": article.title, "content": "\n".join(blocks),
                              "date": article.published.strftime("%Y-%m-%dT%H:%M:%S"),
                              "author": users[article.author], "categories": [categories[article.cat]],
                              "tags": [tag] if n % 2 else []})
        # the title as WordPress prints it: wptexturize turns " - " into " – " and quotes into curly ones
        title = html.unescape(made["title"]["rendered"])
        posts.append(Post(made["id"], made["link"], title, made["date"], article.author, credit, tuple(files)))
    site.api("posts/1?force=true", method="DELETE")  # the sample post every installation starts with
    site.add_page("Giới thiệu", "<p>Xã có diện tích tự nhiên 2.345 ha, dân số 12.500 người, gồm 9 thôn.</p>")
    site.add_page("Liên hệ", "<p>Địa chỉ: Ủy ban nhân dân xã, thôn Trung Tâm. Điện thoại: 0239 3855 123.</p>")
    site.flush_rewrite_rules()
    return posts


NUKEVIET_SOURCE = ROOT.parent / "shared" / "platforms" / "nukeviet-4.5.05.tar.gz"


class NukeViet(PhpSite):
    """NukeViet 4.5.05 from ../shared/platforms on Apache and MariaDB; a context manager.

    Installed in Vietnamese by its own installer (install/index.php, steps 1 to 8 over HTTP, with
    the sample news it ships), then written to through its own admin: the news module's content
    form, as an editor posts an article."""

    ADMIN = "quantri"
    PASSWORD = "Govnews-2025-NV"

    def __init__(self, folder: Path, database: MariaDB, name: str, title: str):
        super().__init__(folder, database, name, title)
        self.session = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def __enter__(self) -> NukeViet:
        if not NUKEVIET_SOURCE.exists():
            raise RuntimeError(f"NukeViet's source is missing: {NUKEVIET_SOURCE}")
        self.folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(NUKEVIET_SOURCE) as archive:
            archive.extractall(self.folder, filter="data")
        (self.folder / "nukeviet-4.5.05").rename(self.docroot)
        _give_to_web_server(self.docroot)  # its installer checks that data/, uploads/ and assets/ are writable
        self.database.create_database(self.name)
        self.apache.__enter__()
        self._install()
        self._log_in()
        return self

    def _send(self, path: str, form: dict | list | None = None) -> str:
        """GET or POST (form) a page in the browser session; NukeViet refuses POSTs without a Referer."""
        url = f"{self.base_url}{path}"
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(url, data, {"Referer": url})
        with self.session.open(request, timeout=120) as reply:
            return reply.read().decode("utf-8", errors="replace")

    def _install(self) -> None:
        for step in (1, 2, 3, 4, 5):
            self._send(f"/install/index.php?language=vi&step={step}")
        self._send("/install/index.php?language=vi&step=5", {
            "dbtype": "mysql", "dbhost": "127.0.0.1", "dbport": str(self.database.port), "dbuname": self.name,
            "dbpass": self.name, "dbname": self.name, "prefix": "nv4", "db_detete": "0"})
        self._send("/install/index.php?language=vi&step=6", {
            "site_name": self.title, "nv_login": self.ADMIN, "nv_email": f"{self.ADMIN}@example.org",
            "nv_password": self.PASSWORD, "re_password": self.PASSWORD, "question": "Tên xã", "answer_question": "Thạnh An"})
        finished = self._send("/install/index.php?language=vi&step=8")
        if "cài đặt thành công" not in finished.lower():
            raise RuntimeError("NukeViet's installer did not finish")

    def _log_in(self) -> None:
        page = self._send("/admin/index.php")
        checkss = re.search(r'name="checkss" value="([^"]+)"', page).group(1)
        self._send("/admin/index.php", {"nv_login": self.ADMIN, "nv_password": self.PASSWORD, "checkss": checkss})

    def sql(self, statement: str) -> str:
        return self.database.sql(statement, self.name)

    def _clear_cache(self) -> None:
        """Empty data/cache, as the admin's "clear cache" does, so a setting changed in the database shows."""
        for path in (self.docroot / "data" / "cache").rglob("*"):
            if path.is_file() and path.name != "index.html":
                path.unlink()

    def use_theme(self, theme: str) -> None:
        """Make one of its themes the site's theme (default, mobile_default)."""
        self.sql(f"UPDATE nv4_config SET config_value = '{theme}' WHERE lang = 'vi' AND module = 'global' "
                 "AND config_name = 'site_theme'")
        self._clear_cache()

    def switch_off_feeds_and_sitemaps(self) -> None:
        """Switch RSS and sitemaps off for every module, as Modules > Edit does: the feeds and the
        sitemap index are then empty."""
        self.sql("UPDATE nv4_vi_modules SET rss = 0, sitemap = 0")
        self._clear_cache()

    def categories(self) -> dict[str, int]:
        """Return the news module's categories, {alias: id}."""
        return {alias: int(catid) for catid, alias in
                (line.split("\t") for line in self.sql("SELECT catid, alias FROM nv4_vi_news_cat").splitlines())}

    def add_file(self, name: str, content: bytes) -> str:
        """Put a file in the news module's upload folder, as the file manager does; return its path."""
        folder = self.docroot / "uploads" / "news"
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(content)
        _give_to_web_server(folder / name)
        return f"/uploads/news/{name}"

    def add_article(self, title: str, lead: str, body: str, author: str, credit: str, published,
                    catid: int, files: list[str]) -> None:
        """Publish an article through the news module's content form (admin, op=content)."""
        self._send("/admin/index.php?language=vi&nv=news&op=content")
        form = [("save", "1"), ("id", "0"), ("copy", "0"), ("status1", "1"), ("title", title),
                ("hometext", lead), ("bodyhtml", body), ("author", author), ("sourcetext", credit),
                ("publ_date", published.strftime("%d/%m/%Y")), ("phour", str(published.hour)),
                ("pmin", str(published.minute)), ("catids[]", str(catid)), ("catid", str(catid)),
                ("inhome", "1"), ("allowed_comm[]", "6")]  # no internal author: the byline is the author's
        form += [("files[]", path) for path in files]
        self._send("/admin/index.php?language=vi&nv=news&op=content", form)

    def rows(self) -> list[Post]:
        """Return every published article as the database holds it, with the address NukeViet links."""
        cats = {catid: alias for alias, catid in self.categories().items()}
        sources = dict(line.split("\t") for line in self.sql("SELECT sourceid, title FROM nv4_vi_news_sources").splitlines())
        made = []
        for line in self.sql("SELECT r.id, r.catid, r.alias, r.title, r.publtime, r.author, r.sourceid, d.files "
                             "FROM nv4_vi_news_rows r JOIN nv4_vi_news_detail d ON d.id = r.id "
                             "WHERE r.status = 1 AND r.external_link = 0 ORDER BY r.id").splitlines():  # links elsewhere: not its own
            rid, catid, alias, title, publtime, author, sourceid, files = line.split("\t")
            # to the minute: the news module prints dd/mm/yyyy hh:mm
            published = datetime.fromtimestamp(int(publtime), VIETNAM_TZ).strftime("%Y-%m-%dT%H:%M:00")
            link = f"{self.base_url}/{cats[int(catid)]}/{alias}-{rid}.html"
            names = [name for name in files.split(",") if name and name != "NULL"]
            made.append(Post(int(rid), link, html.unescape(title), published, html.unescape(author),
                                sources.get(sourceid, ""),
                                # the article serves its files itself: <a download href="…?download=1&id=N">
                                tuple(f"{link}?download=1&id={n}" for n in range(len(names)))))
        return made


def fill_nukeviet(site: NukeViet, articles) -> list[Post]:
    """Publish the articles in the news module beside the sample news its installer made, across
    its categories, with source credits on every third and an attached PDF on every fifth.
    Return every published article (more than the 30 its RSS lists)."""
    categories = sorted(site.categories().values())
    for n, article in enumerate(articles):
        files = [site.add_file(f"ke-hoach-{article.id}.pdf", PDF)] if n % 5 == 0 else []
        body = "".join(f"<p>{paragraph}</p>" for paragraph in article.paragraphs)
        site.add_article(article.title, article.summary, body, article.author,
                         CREDITS[n % len(CREDITS)] if n % 3 == 0 else "", article.published,
                         categories[n % len(categories)], files)
    return site.rows()
