"""Scrapy settings: polite by default (robots.txt, AutoThrottle, cache, identifying User-Agent).

Values that depend on the deployment come from the project's settings table (`CCKB_*`), so the
crawler and the rest of cckb agree on the data directory and the contact address.
"""

from __future__ import annotations

from core.settings import load_settings

_cckb = load_settings()

BOT_NAME = "cckb"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

CCKB_CONTACT = _cckb.contact
CCKB_SOURCE_BASE_URL = _cckb.source_base_url
CCKB_RELIEFWEB_APPNAME = _cckb.reliefweb_appname
CCKB_COUNTRIES = _cckb.country_list
CCKB_INGEST = True  # False: crawl only (the benchmark measures crawling, not embedding)
CCKB_CHECK = False  # True: `cckb crawl --check`, one request path per source (no crawl)

USER_AGENT = f"cckb/0.1 (+{CCKB_CONTACT}) country-conditions research crawler"
ROBOTSTXT_OBEY = True

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2

# RFC 2616 policy: cached pages are revalidated with If-None-Match / If-Modified-Since, so a
# re-crawl of an unchanged site costs 304s, and ingest turns unchanged bytes into noops anyway.
# Errors (4xx/5xx) and block pages are never cached (HTTPCACHE_IGNORE_HTTP_CODES does nothing
# under an RFC 2616 policy, so the policy itself refuses them).
HTTPCACHE_ENABLED = True
HTTPCACHE_DIR = str(_cckb.data_path / "httpcache")
HTTPCACHE_POLICY = "crawlers.httpcache.NoErrorsRFC2616Policy"
HTTPCACHE_STORAGE = "crawlers.httpcache.AtomicFilesystemCacheStorage"  # a kill tears no entry

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0  # a 429/503 asking to wait longer is not retried (reported instead)
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 25 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
REDIRECT_ENABLED = True

DOWNLOADER_MIDDLEWARES = {
    # a 4xx/5xx robots.txt blocks its host instead of reading as allow-all
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.blocks.StrictRobotsTxtMiddleware": 100,
    # after the redirect middleware (600) in the answer's path: sees unblock redirects unfollowed
    "crawlers.middlewares.blocks.BlockMiddleware": 650,
    # after the HTTP cache (900): cache hits wait for nothing
    "crawlers.middlewares.politeness.CrawlDelayMiddleware": 950,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.backoff.BackoffRetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    # closest to the spider: with CCKB_CHECK, sees (and thins) the spider's own output
    "crawlers.middlewares.check.CheckMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.provenance.ProvenancePipeline": 100,
    "crawlers.pipelines.validate.ValidatePipeline": 200,
    "crawlers.pipelines.ingest.IngestPipeline": 300,
}
LOG_FORMATTER = "crawlers.logformatter.QuietLogFormatter"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # a crawler opens no listening ports
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
