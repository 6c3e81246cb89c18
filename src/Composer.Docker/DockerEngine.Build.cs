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
        // Keys the classic builder cannot honour fail here, named with the engine's version, before the context is sent.
        if (EngineRequirements.BuildProblems(image, build, EngineInfo.Oldest).Count > 0 &&
            EngineRequirements.BuildProblems(image, build, await EngineInfoAsync(cancellationToken).ConfigureAwait(false)) is { Count: > 0 } problems)
            throw new EngineException(string.Join(Environment.NewLine, problems));
        // dockerfile_inline travels in the context under a name no file of the context can have taken.
        var dockerfile = build.DockerfileInline is not null ? BuildContext.InlineDockerfileName : (build.Dockerfile ?? "Dockerfile").Replace('\\', '/');
        if (build.DockerfileInline is null && !File.Exists(Path.Combine(build.Context, dockerfile)))
            throw new EngineException($"build image {image}: Dockerfile {Path.Combine(build.Context, dockerfile)} not found");
        await using var context = await BuildContext.TarAsync(build.Context, dockerfile, cancellationToken, build.DockerfileInline).ConfigureAwait(false);
        string? error = null;
        var output = new List<string>();
        await Call(() => _client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            // tags: more names for the same image, in one build as `docker build -t a -t b` does.
            Tags = [image, .. build.Tags.Where(t => t != image)],
            CacheFrom = build.CacheFrom.IsEmpty ? null : [JsonStringArray(build.CacheFrom)],
            NoCache = build.NoCache ? true : null,
            Pull = build.Pull ? "1" : null,
            Platform = build.Platforms.Length == 1 ? build.Platforms[0] : null,
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

    /// <summary>
    /// The engine reads <c>cachefrom</c> as one JSON array, but Docker.DotNet writes a list as repeated plain values
    /// (the engine then answers "invalid character … looking for beginning of value"): send one value holding the array.
    /// </summary>
    internal static string JsonStringArray(IEnumerable<string> values) =>
        "[" + string.Join(",", values.Select(v => $"\"{System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(v)}\"")) + "]";
}
