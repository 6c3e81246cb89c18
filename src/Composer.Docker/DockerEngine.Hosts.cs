using Composer.Core.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>The engines of a multi-host project: one connection per host.</summary>
public sealed partial class DockerEngine
{
    /// <summary>
    /// Connects to a host of <c>x-composer.hosts</c>: its endpoint (<c>unix://</c>, <c>tcp://</c>), or a docker
    /// context by name; neither: as <see cref="Connect()"/> does.
    /// </summary>
    public static DockerEngine Connect(Core.Model.HostSpec host)
    {
        if (host.Endpoint is { } endpoint)
            return new DockerEngine(new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build(), new Uri(endpoint));
        if (host.Context is { } context)
        {
            var resolved = ContextEndpoint(context);
            return new DockerEngine(new DockerClientBuilder().WithEndpoint(resolved).Build(), resolved);
        }
        return Connect();
    }

    /// <summary>
    /// A docker context's engine endpoint, read as the docker CLI stores it:
    /// <c>$DOCKER_CONFIG/contexts/meta/&lt;sha256(name)&gt;/meta.json</c> → <c>Endpoints.docker.Host</c>.
    /// </summary>
    internal static Uri ContextEndpoint(string context, string? configDirectory = null)
    {
        configDirectory ??= Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dc ? dc
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context)));
        var meta = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        if (!File.Exists(meta)) throw new EngineException($"docker context \"{context}\" not found (no {meta}; `docker context ls` lists them)");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(meta));
        if (document.RootElement.TryGetProperty("Endpoints", out var endpoints) && endpoints.TryGetProperty("docker", out var docker)
            && docker.TryGetProperty("Host", out var hostValue) && hostValue.GetString() is { Length: > 0 } endpoint)
            return new Uri(endpoint);
        throw new EngineException($"docker context \"{context}\" names no docker endpoint ({meta})");
    }

    /// <summary>The engine reports a failed load in the stream, not as an error status: keep the first message (synchronously).</summary>
    internal sealed class LoadErrors : IProgress<JSONMessage>
    {
        public string? First { get; private set; }
        public void Report(JSONMessage value) => First ??= value.Error?.Message;
    }
}
