# syntax=docker/dockerfile:1
# Two stages: the first builds the project into a virtualenv (wheels only: psycopg2-binary and
# argon2-cffi ship them, so no compiler is needed even there); the final image gets only that
# virtualenv on a slim Python, runs as an unprivileged user, and serves with gunicorn.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/shop
COPY pyproject.toml setup.cfg README.md constraints.txt ./
COPY src ./src
RUN /opt/shop/bin/pip install --no-compile -c constraints.txt .

FROM python:3.11-slim
ENV PATH=/opt/shop/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SHOP_ENV=production \
    SHOP_DATA_DIR=/var/lib/shop
RUN groupadd --system --gid 10001 shop \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/shop shop \
    && install -d -o 10001 -g 10001 /var/lib/shop
COPY --from=build /opt/shop /opt/shop
USER 10001:10001
WORKDIR /var/lib/shop
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
CMD ["gunicorn", "-c", "python:shop.entrypoints.gunicorn_conf", "shop.entrypoints.wsgi:app"]
