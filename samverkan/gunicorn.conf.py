"""Gunicorn's settings for `make serve`, each overridable from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WORKERS", "2"))
# Rendering a large agreement's PDF takes seconds; a worker silent for longer than this is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that memory held after large PDFs is given back.
max_requests = int(os.environ.get("MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# Only the TLS proxy in front may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# No gunicornc control socket: nothing uses it, and instances on one machine would share its default path.
control_socket_disable = True
