# wiscan in a container: built in a Rust image, run from a distroless one as a non-root user.
#   docker build -t wiscan .
#   docker run --rm -v "$PWD/estate:/estate:ro" wiscan scan --from /estate

FROM rust:1.91-bookworm AS build
# aws-lc-rs (the TLS crypto of the AWS SDK and kube) builds C code with cmake and clang.
RUN apt-get update \
    && apt-get install -y --no-install-recommends cmake clang \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/wiscan /usr/local/bin/wiscan

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/wiscan /usr/local/bin/wiscan
# distroless's nonroot user, by number so that runtimes can check it is not root.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/wiscan"]
CMD ["--help"]
