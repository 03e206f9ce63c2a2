"""Defaults in one place: endpoints, configuration keys, timeouts, retry and rate-limit policy."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.pachca.com/api/shared/v1"

TOKEN_ENV = "PACHCA_TOKEN"
BASE_URL_ENV = "PACHCA_BASE_URL"
TOKEN_CONFIG_KEY = "pachca:token"
BASE_URL_CONFIG_KEY = "pachca:baseUrl"
JOURNAL_CONFIG_KEY = "pachca:journal"
JOURNAL_ENV = "PACHCA_PULUMI_JOURNAL"
SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS"  # the engine's own switch, read to know a journal is needed

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0

MAX_ATTEMPTS = 6
RETRY_TOTAL_TIMEOUT_S = 120.0
RETRY_WAIT_INITIAL_S = 0.5
RETRY_WAIT_MAX_S = 8.0
RETRY_WAIT_JITTER_S = 0.5
RETRY_AFTER_CAP_S = 60.0
# A request that cannot reach the API at all (refused, no route, unknown host) is retried for this
# long, not the whole budget: a blip passes within it, and an API that is not there is named in
# seconds instead of after every backoff step (a preview against a wrong base URL took 17 s a request).
UNREACHABLE_RETRY_S = 1.5

# Pachca documents about 50 requests per second per token for these methods; stay just under it
# (the limiter halves its pace on a 429 anyway).
RATE_LIMIT_PER_S = 48.0

PAGE_LIMIT = 50

USER_AGENT = "pachca-pulumi"
