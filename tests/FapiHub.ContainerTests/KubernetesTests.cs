using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FapiHub.ContainerTests;

/// <summary>
/// deploy/kubernetes/overlays/redis rendered by <c>kubectl kustomize</c> and played by <c>podman kube play</c>: the real
/// Deployments with their probes, security context, resources, ConfigMap and Secret. A test overlay on top changes only
/// what a one-machine run needs: this run's images, one replica, a name suffix, and the host network on free loopback
/// ports (podman has no Services, and traffic stays on loopback) with the probes pointed at those ports.
/// </summary>
[Trait("Category", "Containers")]
[Collection(ContainerRun.Name)]
public sealed class KubernetesTests(ContainerImages images)
{
    [ContainerFact]
    public async Task KubePlay_WhenTheRedisOverlayRuns_ShouldServeCutOutsAndChargeThemInRedis()
    {
        var suffix = $"-{Guid.NewGuid():N}"[..9];
        var apiPort = RunningContainer.FreePort();
        var redisPort = RunningContainer.FreePort();
        var work = Directory.CreateTempSubdirectory("fapihub-kube-");
        var play = Path.Combine(work.FullName, "play.yaml");
        var secretName = $"fapihub-keys{suffix}";
        try
        {
            var rendered = await RenderAsync(work.FullName, suffix, apiPort, redisPort);
            var documents = rendered.Split("\n---\n");
            var secret = documents.Single(d => d.Contains("\nkind: Secret\n", StringComparison.Ordinal));
            var keys = StringData(secret);
            // podman kube play (4.3) takes a Secret from its own store, as JSON of base64 values, not from the YAML.
            var secretFile = Path.Combine(work.FullName, "secret.json");
            await File.WriteAllTextAsync(secretFile, JsonSerializer.Serialize(keys.ToDictionary(k => k.Key, k => Convert.ToBase64String(Encoding.UTF8.GetBytes(k.Value)))));
            (await Podman.RunAsync("secret", "create", secretName, secretFile)).EnsureSuccess("podman secret create");
            await File.WriteAllTextAsync(play, string.Join("\n---\n", documents.Where(d => d != secret)));
            (await Podman.RunAsync(["kube", "play", play], TimeSpan.FromMinutes(3))).EnsureSuccess("podman kube play");

            var api = $"fapihub{suffix}-pod-0-api";
            using var client = Api.Client(apiPort);
            client.DefaultRequestHeaders.Remove("ApiKey");
            client.DefaultRequestHeaders.Add("ApiKey", keys["ApiKeys__Bootstrap__0__Key"]);
            await Api.WaitReadyAsync(client, () => Logs(api), () => Running(api), TimeSpan.FromMinutes(3));

            using var ready = JsonDocument.Parse(await client.GetStringAsync(new Uri("health/ready", UriKind.Relative)));
            var statuses = new List<HttpStatusCode>();
            foreach (var photo in new[] { "astronaut.png", "chelsea.png" })
            {
                using var cutOut = await client.PostAsync(new Uri("v2/rembg/", UriKind.Relative), Api.Photo(photo));
                statuses.Add(cutOut.StatusCode);
            }

            using var usage = JsonDocument.Parse(await client.GetStringAsync(new Uri("v2/usage", UriKind.Relative)));
            var uid = await Podman.RunAsync("exec", api, "id", "-u");
            var write = await Podman.RunAsync("exec", api, "touch", "/app/written");

            Assert.Equal("Healthy", ready.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
            Assert.Equal(2, usage.RootElement.GetProperty("used").GetInt32());
            Assert.Equal("1654", uid.Output.Trim());
            Assert.Contains("Read-only file system", write.Error, StringComparison.Ordinal);
        }
        finally
        {
            if (File.Exists(play))
            {
                await Podman.RunAsync("kube", "down", play);
            }

            await Podman.RunAsync("secret", "rm", secretName);
            work.Delete(recursive: true);
        }
    }

    private async Task<string> RenderAsync(string directory, string suffix, int apiPort, int redisPort)
    {
        var overlay = Path.GetRelativePath(directory, Path.Combine(ContainerImages.RepoRoot, "deploy", "kubernetes", "overlays", "redis")).Replace('\\', '/');
        var (image, tag) = Split(images.Image);
        var (redisImage, redisTag) = Split(images.Redis);
        var api = apiPort.ToString(CultureInfo.InvariantCulture);
        var redis = redisPort.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(directory, "kustomization.yaml"), $$"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - {{overlay}}
            nameSuffix: "{{suffix}}"
            images:
              - {name: fapihub, newName: "{{image}}", newTag: "{{tag}}"}
              - {name: redis, newName: "{{redisImage}}", newTag: "{{redisTag}}"}
            patches:
              - target: {kind: ConfigMap, name: fapihub-settings}
                patch: |-
                  - {op: replace, path: /data/ConnectionStrings__Redis, value: "127.0.0.1:{{redis}}"}
                  - {op: add, path: /data/ASPNETCORE_URLS, value: "http://127.0.0.1:{{api}}"}
              - target: {kind: Deployment, name: fapihub}
                patch: |-
                  - {op: replace, path: /spec/replicas, value: 1}
                  - {op: add, path: /spec/template/spec/hostNetwork, value: true}
                  - {op: remove, path: /spec/template/spec/containers/0/ports}
                  - {op: replace, path: /spec/template/spec/containers/0/startupProbe/httpGet/port, value: {{api}}}
                  - {op: replace, path: /spec/template/spec/containers/0/readinessProbe/httpGet/port, value: {{api}}}
                  - {op: replace, path: /spec/template/spec/containers/0/livenessProbe/httpGet/port, value: {{api}}}
              - target: {kind: Deployment, name: redis}
                patch: |-
                  - {op: add, path: /spec/template/spec/hostNetwork, value: true}
                  - {op: remove, path: /spec/template/spec/containers/0/ports}
                  - {op: replace, path: /spec/template/spec/containers/0/readinessProbe/tcpSocket/port, value: {{redis}}}
                  - {op: add, path: /spec/template/spec/containers/0/command/-, value: "--port"}
                  - {op: add, path: /spec/template/spec/containers/0/command/-, value: "{{redis}}"}
                  - {op: add, path: /spec/template/spec/containers/0/command/-, value: "--bind"}
                  - {op: add, path: /spec/template/spec/containers/0/command/-, value: "127.0.0.1"}
            """);
        return (await Command.RunAsync("kubectl", ["kustomize", "--load-restrictor", "LoadRestrictionsNone", directory], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("kubectl kustomize").Output;
    }

    /// <summary>The flat <c>stringData</c> map of a rendered Secret (kustomize prints one "key: value" per line).</summary>
    private static Dictionary<string, string> StringData(string secret)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var inside = false;
        foreach (var line in secret.Split('\n'))
        {
            if (line.StartsWith("stringData:", StringComparison.Ordinal))
            {
                inside = true;
            }
            else if (inside && line.StartsWith("  ", StringComparison.Ordinal))
            {
                var parts = line.Trim().Split(": ", 2);
                values[parts[0]] = parts[1].Trim('"');
            }
            else
            {
                inside = false;
            }
        }

        return values;
    }

    private static (string Name, string Tag) Split(string image) => (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]);

    private static async Task<string> Logs(string container)
    {
        var logs = await Podman.RunAsync("logs", container);
        return logs.Output + logs.Error;
    }

    private static async Task<bool> Running(string container) =>
        (await Podman.RunAsync("inspect", "--format", "{{.State.Running}}", container)).Output.Trim() == "true";
}
