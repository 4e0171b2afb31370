# syntax=docker/dockerfile:1
# briefbot's image (README "Deploying"): the lock installed with its hashes, a non-root
# user, the store on the /data volume, and a health check against the bot's /healthz.
#   docker build -t briefbot .
#   docker run -d -v briefbot-data:/data -e DISCORD_TOKEN briefbot

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies first, from the lock alone: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN python -m venv /opt/briefbot \
    && /opt/briefbot/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY store ./store
# The build backend is in the lock too, so nothing unpinned is fetched for the project.
RUN /opt/briefbot/bin/pip install --no-deps --no-build-isolation . \
    && /opt/briefbot/bin/briefbot --version

FROM ${PYTHON_IMAGE}
COPY --from=build /opt/briefbot /opt/briefbot
RUN groupadd --system --gid 10001 briefbot \
    && useradd --system --uid 10001 --gid briefbot --home-dir /data --shell /usr/sbin/nologin briefbot \
    && mkdir /data \
    && chown briefbot:briefbot /data
# Every setting can be given as BRIEFBOT_<SECTION>_<KEY>; /data/config.toml is read if present.
ENV PATH=/opt/briefbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BRIEFBOT_STORE_PATH=/data/briefbot.db \
    BRIEFBOT_HTTP_HOST=0.0.0.0 \
    BRIEFBOT_HTTP_PORT=8080 \
    BRIEFBOT_LOGGING_FORMAT=json
VOLUME ["/data"]
WORKDIR /data
USER briefbot:briefbot
EXPOSE 8080
# Exit 0 when /healthz answers 200, else 1 (the only two codes Docker reads).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["briefbot", "healthcheck", "--timeout", "5"]
ENTRYPOINT ["briefbot"]
