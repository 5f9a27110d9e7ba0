# Production image: gunicorn serving the dashboard as an unprivileged user.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --system --uid 10001 --home-dir /app dashboard \
    && mkdir -p /app/instance \
    && chown dashboard /app/instance
COPY --chown=root:root . .
USER dashboard

EXPOSE 8080
VOLUME ["/app/instance"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["scripts/docker-entrypoint"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:create_app()"]
