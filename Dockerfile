# The Fieldline app image used by compose.yaml.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY dispatch ./dispatch
COPY migrations ./migrations
COPY pwa ./pwa
RUN pip install --no-cache-dir . && useradd --create-home fieldline
USER fieldline
EXPOSE 8000
CMD ["sh", "-c", "fieldline migrate && fieldline serve --host 0.0.0.0 --port 8000 --workers 2"]
