FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml setup.cfg README.md constraints.txt ./
COPY src ./src
RUN pip install -c constraints.txt . && useradd --create-home --uid 10001 shop
USER shop

EXPOSE 8000
CMD ["gunicorn", "--no-control-socket", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-", \
     "shop.entrypoints.wsgi:app"]
