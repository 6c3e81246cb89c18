using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>Image builds through the engine's build API (the classic builder; works offline FROM local images).</summary>
public sealed partial class DockerEngine
{
    public async Task BuildImageAsync(string image, BuildSpec build, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(build.Context))
            throw new EngineException($"build image {image}: the build context {build.Context} is not a directory");
        var dockerfile = (build.Dockerfile ?? "Dockerfile").Replace('\\', '/');
        if (!File.Exists(Path.Combine(build.Context, dockerfile)))
            throw new EngineException($"build image {image}: Dockerfile {Path.Combine(build.Context, dockerfile)} not found");
        await using var context = await BuildContext.TarAsync(build.Context, dockerfile, cancellationToken).ConfigureAwait(false);
        string? error = null;
        var output = new List<string>();
        await Call(() => _client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            Tags = [image],
            Dockerfile = dockerfile,
            BuildArgs = build.Args.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!),
            Target = build.Target,
            Labels = build.Labels.IsEmpty ? null : build.Labels.ToDictionary(kv => kv.Key, kv => kv.Value),
            NetworkMode = build.Network,
            ShmSize = build.ShmSize,
            ExtraHosts = build.ExtraHosts.IsEmpty ? null : [.. build.ExtraHosts.Select(h => $"{h.Host}:{h.Address}")],
            Remove = true,
            ForceRemove = true,
        }, context, null, null, new SyncProgress<JSONMessage>(m =>
        {
            if (m.Error?.Message is { Length: > 0 } e) error = e;
            if (!string.IsNullOrWhiteSpace(m.Stream)) output.Add(m.Stream.TrimEnd());
        }), cancellationToken), $"build image {image}", Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        if (error is not null)
            throw new EngineException($"build image {image}: {error.Trim()}{(output.Count > 0 ? $" (last output: {output[^1]})" : "")}");
    }
}
