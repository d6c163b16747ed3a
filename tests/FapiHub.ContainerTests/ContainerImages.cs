using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FapiHub.ContainerTests;

/// <summary>
/// The images every container test uses, made once per run (a collection fixture): no registry is reachable here, so
/// the bases are made locally and the repository's Dockerfile is built from them through its base-image arguments.
/// <list type="bullet">
/// <item>debian: <c>mmdebstrap --variant=minbase</c> of Debian 12 with the runtime's native needs (libc, libstdc++ and
/// libssl come with minbase; ca-certificates, tzdata), from the host's apt sources. Kept between runs under a tag
/// made from that command, since it is the slow step (30 s on an idle box).</item>
/// <item>aspnet: debian plus this machine's .NET runtime (its dotnet, host/ and shared/): what
/// mcr.microsoft.com/dotnet/aspnet is, for the Dockerfile's RUNTIME_IMAGE.</item>
/// <item>sdk: aspnet plus the host's SDK bind-mounted into the build (-v), and the host's NuGet cache and CA bundle,
/// so the Dockerfile's build stage restores and publishes as it would on mcr.microsoft.com/dotnet/sdk.</item>
/// <item>redis: debian plus the host's redis-server and the libraries it needs that minbase lacks.</item>
/// </list>
/// </summary>
public sealed class ContainerImages(IMessageSink sink) : IAsyncLifetime
{
    public const int MegaByte = 1_000_000;

    private static readonly string[] DebianArgs =
    [
        "--variant=minbase",
        "--include=ca-certificates,libssl3,tzdata",
        // No documentation, manual pages or translations in an image nobody logs into (the licences stay).
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-include=/usr/share/doc/*/copyright",
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        "--dpkgopt=path-exclude=/usr/share/info/*",
        "--customize-hook=rm -rf \"$1\"/var/lib/apt/lists/* \"$1\"/var/cache/apt/*",
        "bookworm",
    ];

    public static string RepoRoot { get; } = typeof(ContainerImages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Version => "0.0.0-containertest";

    public string Debian { get; } = $"localhost/fapihub-test/debian:bookworm-{Hash(string.Join('\n', DebianArgs))}";

    public string Runtime { get; } = $"localhost/fapihub-test/aspnet:{Environment.Version}";

    public string Sdk { get; } = $"localhost/fapihub-test/sdk:{Environment.Version}";

    public string Redis { get; } = "localhost/fapihub-test/redis:host";

    /// <summary>This run's build of the repository's Dockerfile; removed at the end (its layers stay cached).</summary>
    public string Image { get; } = $"localhost/fapihub-test/fapihub:{Guid.NewGuid():N}"[..48];

    /// <summary>The Dockerfile's build took this long (the bases excluded).</summary>
    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (Podman.Unavailable is not null)
        {
            return;
        }

        var work = Directory.CreateTempSubdirectory("fapihub-images-");
        try
        {
            await Timed("debian base", () => EnsureDebianAsync(work.FullName));
            await Timed("aspnet base", () => EnsureRuntimeAsync(work.FullName));
            await Timed("sdk base", () => EnsureSdkAsync(work.FullName));
            await Timed("redis", () => EnsureRedisAsync(work.FullName));
            var started = Stopwatch.GetTimestamp();
            await Timed("image (Dockerfile)", BuildAsync);
            BuildTime = Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (Podman.Unavailable is null)
        {
            await Podman.RunAsync("rmi", "--force", Image);
        }
    }

    private async Task EnsureDebianAsync(string work)
    {
        if ((await Podman.RunAsync("image", "exists", Debian)).ExitCode == 0)
        {
            return;
        }

        var tar = Path.Combine(work, "debian.tar");
        // The host's apt sources name a mirror that works from here; mmdebstrap takes a sources file as its mirror.
        var sources = new[] { "/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list" }.FirstOrDefault(File.Exists);
        string[] args = [.. DebianArgs, tar, .. sources is null ? Array.Empty<string>() : [sources]];
        (await Command.RunAsync("mmdebstrap", args, TimeSpan.FromMinutes(10))).EnsureSuccess("mmdebstrap");
        (await Podman.RunAsync("import", tar, Debian)).EnsureSuccess("podman import");
    }

    private async Task EnsureRuntimeAsync(string work)
    {
        if ((await Podman.RunAsync("image", "exists", Runtime)).ExitCode == 0)
        {
            return;
        }

        var context = Directory.CreateDirectory(Path.Combine(work, "aspnet")).FullName;
        var dotnet = Directory.CreateDirectory(Path.Combine(context, "dotnet")).FullName;
        foreach (var part in new[] { "dotnet", "host", "shared", "LICENSE.txt", "ThirdPartyNotices.txt" }.Select(p => Path.Combine(DotnetRoot, p)).Where(Path.Exists))
        {
            (await Command.RunAsync("cp", ["-a", part, dotnet], TimeSpan.FromMinutes(2))).EnsureSuccess("cp");
        }

        await File.WriteAllTextAsync(Path.Combine(context, "Containerfile"), $"""
            FROM {Debian}
            COPY dotnet /usr/share/dotnet
            RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
            ENV DOTNET_ROOT=/usr/share/dotnet
            """);
        (await Podman.RunAsync("build", "-q", "-t", Runtime, context)).EnsureSuccess("podman build (aspnet base)");
    }

    private async Task EnsureSdkAsync(string work)
    {
        if ((await Podman.RunAsync("image", "exists", Sdk)).ExitCode == 0)
        {
            return;
        }

        // The SDK itself is mounted at build time; it needs ICU, which the app does not (InvariantGlobalization).
        var context = Directory.CreateDirectory(Path.Combine(work, "sdk")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "Containerfile"), $"""
            FROM {Runtime}
            ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
            """);
        (await Podman.RunAsync("build", "-q", "-t", Sdk, context)).EnsureSuccess("podman build (sdk base)");
    }

    private async Task EnsureRedisAsync(string work)
    {
        if ((await Podman.RunAsync("image", "exists", Redis)).ExitCode == 0)
        {
            return;
        }

        var server = Command.Find("redis-server") ?? throw new InvalidOperationException("redis-server is not on PATH (apt-get install redis-server)");
        var binary = new FileInfo(server).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? server;
        var context = Directory.CreateDirectory(Path.Combine(work, "redis")).FullName;
        var lib = Directory.CreateDirectory(Path.Combine(context, "lib")).FullName;
        File.Copy(binary, Path.Combine(context, "redis-server"));
        var needed = (await Command.RunAsync("ldd", [binary], TimeSpan.FromMinutes(1))).EnsureSuccess("ldd").Output
            .Split('\n').Select(line => line.Split("=>", 2)).Where(p => p.Length == 2)
            .Select(p => p[1].Trim().Split(' ')[0]).Where(p => p.StartsWith('/')).ToList();
        var missing = (await Podman.RunAsync(["run", "--rm", Debian, "sh", "-c", "for f; do [ -e \"$f\" ] || echo \"$f\"; done", "sh", .. needed], TimeSpan.FromMinutes(2)))
            .EnsureSuccess("podman run (library check)").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var library in missing)
        {
            File.Copy(library, Path.Combine(lib, Path.GetFileName(library)));
        }

        await File.WriteAllTextAsync(Path.Combine(context, "Containerfile"), $"""
            FROM {Debian}
            COPY lib/ /usr/lib/{RuntimeInformation.OSArchitecture switch { Architecture.Arm64 => "aarch64", _ => "x86_64" }}-linux-gnu/
            COPY redis-server /usr/bin/redis-server
            """);
        (await Podman.RunAsync("build", "-q", "-t", Redis, context)).EnsureSuccess("podman build (redis)");
    }

    private async Task BuildAsync()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Directory.CreateDirectory(nuget);
        // --format docker keeps HEALTHCHECK (the OCI format has no such field). The host network and CA bundle let
        // NuGet reach its feed as the host does (packages missing from the host's cache, the vulnerability audit).
        (await Podman.RunAsync(
            [
                "build", "--format", "docker", "--network", "host",
                "-v", "/etc/ssl/certs:/etc/ssl/certs:ro",
                "-v", $"{DotnetRoot}:/usr/share/dotnet:ro",
                "-v", $"{nuget}:/root/.nuget/packages",
                "--build-arg", $"SDK_IMAGE={Sdk}",
                "--build-arg", $"RUNTIME_IMAGE={Runtime}",
                "--build-arg", $"VERSION={Version}",
                "-t", Image, RepoRoot,
            ],
            TimeSpan.FromMinutes(15))).EnsureSuccess("podman build (Dockerfile)");
    }

    /// <summary>The .NET installation this test runs on (…/shared/Microsoft.NETCore.App/&lt;version&gt;/ is three levels down).</summary>
    private static string DotnetRoot { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private async Task Timed(string what, Func<Task> step)
    {
        var started = Stopwatch.GetTimestamp();
        await step();
        sink.OnMessage(new DiagnosticMessage(string.Create(CultureInfo.InvariantCulture, $"container images: {what} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s")));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}

[CollectionDefinition(Name)]
public sealed class ContainerRun : ICollectionFixture<ContainerImages>
{
    public const string Name = "Containers";
}
