using System.Collections.Immutable;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>
/// Which engine owns what, for a multi-host project (after <see cref="AmbassadorExpansion"/>): each service's host,
/// and the hosts that need each project network, named volume and image. The host-routing engine sends every
/// operation to exactly these engines, so each engine only ever sees its own part.
/// </summary>
public sealed record Placement
{
    /// <summary>Every host the project may have resources on: those the file defines, and <c>local</c> when a service runs there.</summary>
    public required ImmutableSortedDictionary<string, HostSpec> Hosts { get; init; }
    /// <summary>Service → host.</summary>
    public required ImmutableSortedDictionary<string, string> ServiceHosts { get; init; }
    /// <summary>Engine network name → the hosts with a service on it.</summary>
    public required ImmutableSortedDictionary<string, ImmutableSortedSet<string>> NetworkHosts { get; init; }
    /// <summary>Engine volume name → the hosts with a service mounting it.</summary>
    public required ImmutableSortedDictionary<string, ImmutableSortedSet<string>> VolumeHosts { get; init; }
    /// <summary>Image reference → the hosts with a service running it.</summary>
    public required ImmutableSortedDictionary<string, ImmutableSortedSet<string>> ImageHosts { get; init; }

    /// <summary>Import ambassador service → the container of the provider it stands for.</summary>
    public ImmutableSortedDictionary<string, string> ImportProviders { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string HostOf(string service) => ServiceHosts.GetValueOrDefault(service) ?? HostSpec.Local;

    public static Placement Of(Project project)
    {
        var serviceHosts = project.Services.Values.Concat(project.DisabledServices.Values)
            .ToImmutableSortedDictionary(s => s.Name, s => s.HostOf(), StringComparer.Ordinal);
        var hosts = project.Hosts.ToBuilder();
        if (serviceHosts.Values.Contains(HostSpec.Local) && !hosts.ContainsKey(HostSpec.Local)) hosts[HostSpec.Local] = HostSpec.DefaultLocal;

        var networks = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var volumes = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var images = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        static void Add(SortedDictionary<string, SortedSet<string>> map, string key, string host)
        {
            if (!map.TryGetValue(key, out var set)) map[key] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(host);
        }
        foreach (var service in project.Services.Values)
        {
            var host = service.HostOf();
            foreach (var network in service.Networks.Keys.Where(project.Networks.ContainsKey)) Add(networks, project.Networks[network].Name, host);
            foreach (var mount in service.Volumes.Where(m => m.Type == MountType.Volume && m.Source is not null && project.Volumes.ContainsKey(m.Source)))
                Add(volumes, project.Volumes[mount.Source!].Name, host);
            Add(images, service.Image ?? $"{project.Name}-{service.Name}", host);
        }
        static ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Freeze(SortedDictionary<string, SortedSet<string>> map) =>
            map.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableSortedSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return new Placement
        {
            Hosts = hosts.ToImmutable(),
            ServiceHosts = serviceHosts,
            NetworkHosts = Freeze(networks),
            VolumeHosts = Freeze(volumes),
            ImageHosts = Freeze(images),
            ImportProviders = project.Services.Values
                .Where(s => s.Labels.GetValueOrDefault(HostLabels.Ambassador) == "import" && AmbassadorExpansion.ProviderOf(s) is { } p && project.Services.ContainsKey(p))
                .ToImmutableSortedDictionary(s => s.Name, s => project.ContainerName(project.Services[AmbassadorExpansion.ProviderOf(s)!], 1), StringComparer.Ordinal),
        };
    }
}
