namespace Composer.Core.Model;

public static partial class ProjectWriter
{
    /// <summary>A service's <c>build</c> in compose-go's BuildConfig order, only the keys the file set (and the default Dockerfile name).</summary>
    private static Dictionary<string, object?> Build(BuildSpec b)
    {
        var o = new Dictionary<string, object?> { ["context"] = b.Context };
        // Compose prints the default Dockerfile name too (not beside an inline one).
        if (b.Dockerfile is not null || b.DockerfileInline is null) o["dockerfile"] = b.Dockerfile ?? "Dockerfile";
        if (b.DockerfileInline is not null) o["dockerfile_inline"] = b.DockerfileInline;
        if (!b.Entitlements.IsEmpty) o["entitlements"] = b.Entitlements.ToList();
        if (!b.Args.IsEmpty) o["args"] = b.Args.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (b.Provenance is not null) o["provenance"] = b.Provenance;
        if (b.Sbom is not null) o["sbom"] = b.Sbom;
        if (!b.Ssh.IsEmpty) o["ssh"] = b.Ssh.ToList();
        if (!b.Labels.IsEmpty) o["labels"] = Map(b.Labels);
        if (!b.CacheFrom.IsEmpty) o["cache_from"] = b.CacheFrom.ToList();
        if (!b.CacheTo.IsEmpty) o["cache_to"] = b.CacheTo.ToList();
        if (b.NoCache) o["no_cache"] = true;
        if (!b.NoCacheFilter.IsEmpty) o["no_cache_filter"] = b.NoCacheFilter.ToList();
        if (!b.AdditionalContexts.IsEmpty) o["additional_contexts"] = Map(b.AdditionalContexts);
        if (b.Pull) o["pull"] = true;
        if (!b.ExtraHosts.IsEmpty) o["extra_hosts"] = b.ExtraHosts.Select(h => $"{h.Host}={h.Address}").ToList();
        if (b.Isolation is not null) o["isolation"] = b.Isolation;
        if (b.Network is not null) o["network"] = b.Network;
        if (b.Target is not null) o["target"] = b.Target;
        if (!b.Secrets.IsEmpty) o["secrets"] = FileReferences(b.Secrets);
        if (b.ShmSize is { } shm) o["shm_size"] = shm;
        if (!b.Tags.IsEmpty) o["tags"] = b.Tags.ToList();
        if (!b.Ulimits.IsEmpty) o["ulimits"] = Ulimits(b.Ulimits);
        if (!b.Platforms.IsEmpty) o["platforms"] = b.Platforms.ToList();
        if (b.Privileged) o["privileged"] = true;
        return o;
    }

    private static Dictionary<string, object?> Ulimits(IEnumerable<KeyValuePair<string, Ulimit>> limits) =>
        limits.ToDictionary(kv => kv.Key, kv => kv.Value.Soft == kv.Value.Hard
            ? (object?)kv.Value.Soft
            : new Dictionary<string, object?> { ["soft"] = kv.Value.Soft, ["hard"] = kv.Value.Hard });

    private static Dictionary<string, object?> Map(IEnumerable<KeyValuePair<string, string>> items) =>
        items.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
}
