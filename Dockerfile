# The prediction server as one compiled binary on a slim, non-root runtime image.
#   docker build -t dropout-server .
#   docker compose up        (server behind nginx, and Prometheus; see docker-compose.yml and docs/operations.md)
# The first stage compiles: no `deno task compile` is needed before `docker build`.

# Build: the official Deno image fetches the npm packages and compiles with the
# least-privilege `server` permission set of deno.json (spec, page and workers
# embedded). Deno resolves the set's write paths against the folder of deno.json,
# so the build runs in /app, the folder the binary runs in.
FROM denoland/deno:2.9.6 AS build
WORKDIR /app
COPY deno.json deno.lock ./
COPY pipeline/ pipeline/
COPY server/ server/
COPY data/specs/ data/specs/
RUN deno task compile \
 && mkdir -p /state/models /state/data/uploads /state/data/caseload

# Run: glibc and libstdc++ (for the nodejs-polars addon) and nothing else; no shell, no curl.
FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=build /app/dist/dropout-server /app/dropout-server
# The registry, uploads and caseload folders: the only places the binary may write (the set's
# "write"); the caseload's SQLite file is data/caseload/caseload.db unless DATABASE_URL is set.
# Named volumes start as copies of these folders, so they are the nonroot user's (uid 65532) too;
# a bind-mounted host folder keeps its owner: run with --user "$(id -u):$(id -g)" or chown it.
COPY --from=build --chown=nonroot:nonroot /state/ /app/
USER nonroot
# The server listens on 127.0.0.1 by default; in a container it must take outside connections.
ENV PORT=8000 HOST=0.0.0.0
EXPOSE 8000
VOLUME ["/app/models", "/app/data/uploads", "/app/data/caseload"]
# Healthy means ready: /ready answers 200 once the default profile's model is loaded, so a
# container that cannot predict is reported unhealthy. The start period covers loading, and a
# first start with --train-missing (seconds of training).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/app/dropout-server", "--healthcheck"]
ENTRYPOINT ["/app/dropout-server"]
# Serve the active models. With the training CSV mounted (DROPOUT_DATA), `--train-missing` first
# trains the missing ones; `--train-only` trains them and exits (a training job).
CMD []
