# Multi-stage: build a static binary, run it as a non-root user on a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/simulator ./cmd/simulator \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/simulator /usr/local/bin/simulator
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV PANELSIM_DATA=/data/panelsim.db \
    PANELSIM_VIRTFUSION=0.0.0.0:8081 \
    PANELSIM_TENANTOS=0.0.0.0:8082 \
    PANELSIM_E24CLOUD=0.0.0.0:8083 \
    PANELSIM_OPENSCALER=0.0.0.0:8084
EXPOSE 8081 8082 8083 8084
# No shell or curl here: the binary probes its own /_sim/health (PANELSIM_HEALTH_URL to move it).
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/simulator", "health"]
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/simulator"]
CMD ["serve"]
