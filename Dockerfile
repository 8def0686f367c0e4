# openswf in a container: a static binary on distroless's static image, as a non-root user, with the SQLite
# database on a volume. Untested in CI: see docs/OPERATIONS.md ("Container image").
#
#   docker build --build-arg VERSION=v1.2.3 -t openswf .
#   docker run -p 7740:7740 -v openswf-data:/data openswf
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/openswf ./cmd/openswf \
 && mkdir -p /out/data

# static-debian12: CA certificates, /etc/passwd with the nonroot user (65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/openswf /usr/local/bin/openswf
# The volume's mount point, owned by the non-root user so that a new volume is writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
VOLUME ["/data"]
# Flags as environment variables (openswf serve --help lists them all). 0.0.0.0: reachable through -p;
# turn access control on (--auth, OPENSWF_AUTH) before exposing the port beyond this machine.
ENV OPENSWF_ADDR=0.0.0.0:7740 \
    OPENSWF_DB=/data/openswf.db
EXPOSE 7740
# No shell or curl in the image: the binary probes itself (GET /readyz on OPENSWF_ADDR).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/openswf", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/openswf"]
CMD ["serve"]
