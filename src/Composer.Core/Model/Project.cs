using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Composer.Core.Model;

/// <summary>The normalized, validated project: what the planner compares with the engine.</summary>
public sealed partial record Project
{
    public required string Name { get; init; }
    public required string WorkingDirectory { get; init; }
    public ImmutableArray<string> ConfigFiles { get; init; } = [];
    public ImmutableSortedDictionary<string, Service> Services { get; init; } = ImmutableSortedDictionary<string, Service>.Empty;
    public ImmutableSortedDictionary<string, Network> Networks { get; init; } = ImmutableSortedDictionary<string, Network>.Empty;
    public ImmutableSortedDictionary<string, Volume> Volumes { get; init; } = ImmutableSortedDictionary<string, Volume>.Empty;
    public ImmutableSortedDictionary<string, FileObject> Secrets { get; init; } = ImmutableSortedDictionary<string, FileObject>.Empty;
    public ImmutableSortedDictionary<string, FileObject> Configs { get; init; } = ImmutableSortedDictionary<string, FileObject>.Empty;
    /// <summary>Top-level <c>models</c> (for Docker Model Runner), as written: kept for <c>config</c>; <c>up</c> names what runs them.</summary>
    public ImmutableSortedDictionary<string, object?> Models { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;
    /// <summary>Services that exist in the files but whose profiles are not enabled.</summary>
    public ImmutableSortedDictionary<string, Service> DisabledServices { get; init; } = ImmutableSortedDictionary<string, Service>.Empty;

    /// <summary>Compose's container name for replica <paramref name="number"/>: <c>project-service-N</c>.</summary>
    public string ContainerName(Service service, int number) =>
        service.ContainerName ?? $"{Name}-{service.Name}-{number}";

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NotAllowed();

    /// <summary>Normalizes a project name as Compose does: lower case, only [a-z0-9_-], starting with a letter or digit.</summary>
    public static string NormalizeName(string raw) => NotAllowed().Replace(raw.ToLowerInvariant(), "").TrimStart('_', '-');

    public static bool IsValidName(string name) => name.Length > 0 && NormalizeName(name) == name;
}

public sealed record Network
{
    /// <summary>The key under top-level <c>networks:</c>.</summary>
    public required string Key { get; init; }
    /// <summary>The engine's name: <c>project_key</c> unless <c>name:</c> or <c>external</c> says otherwise.</summary>
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public bool External { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool EnableIpv6 { get; init; }
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public Ipam? Ipam { get; init; }
}

public sealed record Ipam(string? Driver, ImmutableArray<IpamPool> Config);
public sealed record IpamPool(string? Subnet, string? IpRange, string? Gateway);

public sealed record Volume
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public bool External { get; init; }
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>
/// A top-level secret or config. Exactly one source: a host <see cref="File"/> (absolute path), an
/// <see cref="Environment"/> variable, inline <see cref="Content"/> (configs only), or <see cref="External"/>.
/// </summary>
public sealed record FileObject
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? File { get; init; }
    public string? Environment { get; init; }
    public string? Content { get; init; }
    public bool External { get; init; }
    /// <summary>The value of <see cref="Environment"/> when the project was loaded; never printed by <c>config</c>.</summary>
    public string? EnvironmentValue { get; init; }
}
