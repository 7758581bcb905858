# The Fieldline app image used by compose.yaml.
# Browser libraries come from the npm registry in a build stage; the app runs from /app.
FROM node:20-slim AS browser-libs
WORKDIR /pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY dispatch ./dispatch
COPY migrations ./migrations
COPY pwa ./pwa
COPY --from=browser-libs /pwa/node_modules ./pwa/node_modules
RUN pip install --no-cache-dir -e . \
    && for po in pwa/locale/*/LC_MESSAGES/*.po; do pybabel compile -i "$po" -o "${po%.po}.mo"; done \
    && useradd --create-home fieldline
USER fieldline
EXPOSE 8000
CMD ["sh", "-c", "fieldline migrate && fieldline serve --host 0.0.0.0 --port 8000 --workers 2"]
