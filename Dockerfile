# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY extraction ./extraction
COPY config ./config
RUN python -m venv /opt/sitrep && /opt/sitrep/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 sitrep
COPY --from=build /opt/sitrep /opt/sitrep
ENV PATH=/opt/sitrep/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SLACK_HOST=0.0.0.0
USER sitrep
WORKDIR /home/sitrep
# Compile the rule tables once, into the user's cache: containers start without doing it again.
RUN sitrep extract --jsonl /dev/null
EXPOSE 3000
STOPSIGNAL SIGTERM
ENTRYPOINT ["sitrep"]
CMD ["run"]
