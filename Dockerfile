# The prediction server as one compiled binary on a slim, non-root runtime image.
#   docker build -t dropout-server .
#   docker run -p 8000:8000 -e ADMIN_TOKEN=... -v "$PWD/models:/app/models" dropout-server

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
 && mkdir -p /state/models /state/data/uploads

# Run: glibc and libstdc++ (for the nodejs-polars addon) and nothing else; no shell, no curl.
FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=build /app/dist/dropout-server /app/dropout-server
# The registry and uploads folders: the only places the binary may write (the set's "write").
COPY --from=build --chown=nonroot:nonroot /state/ /app/
USER nonroot
# The server listens on 127.0.0.1 by default; in a container it must take outside connections.
ENV PORT=8000 HOST=0.0.0.0
EXPOSE 8000
VOLUME ["/app/models", "/app/data/uploads"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/dropout-server", "--healthcheck"]
ENTRYPOINT ["/app/dropout-server"]
