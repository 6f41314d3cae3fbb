# syntax=docker/dockerfile:1
# The portal's production image: gunicorn serving aoc.wsgi on port 8000, static files collected at
# build time and served by WhiteNoise. The same image runs the Celery worker and beat
# (see docker-compose.yml). All configuration comes from the environment (see .env.example).

# --- Front-end packages from the npm registry (package-lock.json) --------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- The application ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Libraries WeasyPrint loads at run time to lay out and write the annual booklet (PDF).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# Python dependencies first: this layer is rebuilt only when pyproject.toml changes.
# (psycopg[binary] and Pillow come as wheels; nothing needs a compiler.)
COPY pyproject.toml /tmp/build/
RUN pip install /tmp/build && rm -rf /tmp/build

RUN groupadd --system --gid 10001 aoc \
    && useradd --system --uid 10001 --gid aoc --home-dir /app --no-create-home --shell /usr/sbin/nologin aoc \
    && mkdir -p /data/media \
    && chown -R aoc:aoc /data

WORKDIR /app
COPY --from=assets /build/node_modules ./node_modules
COPY . .

# Collected into /app/staticfiles (the default STATIC_ROOT) with the hashed names that WhiteNoise
# serves in production. The key only lets the settings load; it is not used.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput --verbosity 0

# Uploaded media and other data live in /data (DATA_DIR, MEDIA_ROOT), a volume in docker-compose.yml.
ENV DATA_DIR=/data \
    MEDIA_ROOT=/data/media

USER aoc
EXPOSE 8000
# Tune with GUNICORN_CMD_ARGS, e.g. "--workers 4 --timeout 120".
CMD ["gunicorn", "aoc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
