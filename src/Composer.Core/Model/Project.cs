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
    /// <summary>Top-level <c>x-*</c> fields, as written (dictionaries, lists, scalars): Compose keeps them in its output.</summary>
    public ImmutableSortedDictionary<string, object?> Extensions { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;
    /// <summary>Top-level <c>models</c> (for Docker Model Runner), as written: kept for <c>config</c>; <c>up</c> names what runs them.</summary>
    public ImmutableSortedDictionary<string, object?> Models { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;
    /// <summary>The Docker engines of a multi-host project (top-level <c>x-composer.hosts</c>); empty: one engine.</summary>
    public ImmutableSortedDictionary<string, HostSpec> Hosts { get; init; } = ImmutableSortedDictionary<string, HostSpec>.Empty;
    /// <summary>Services that exist in the files but whose profiles are not enabled.</summary>
    public ImmutableSortedDictionary<string, Service> DisabledServices { get; init; } = ImmutableSortedDictionary<string, Service>.Empty;

    /// <summary>Compose's container name for replica <paramref name="number"/>: <c>project-service-N</c>.</summary>
    public string ContainerName(Service service, int number) =>
        service.ContainerName ?? $"{Name}-{service.Name}-{number}";

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NotAllowed();

    /// <summary>Normalizes a project name as Compose does: lower case, only [a-z0-9_-], starting with a letter or digit.</summary>
    public static string NormalizeName(string raw) => NotAllowed().Replace(raw.ToLowerInvariant(), "").TrimStart('_', '-');

    /// <summary>
    /// The longest project name: Compose sets none, but the engine's names (<c>project-service-N</c>, DNS labels) and
    /// Composer's lock file (<c>&lt;project&gt;.watch.lock</c>, one path component of at most 255 bytes) need one.
    /// </summary>
    public const int MaxNameLength = 128;

    public static bool IsValidName(string name) => NameProblem(name) is null;

    /// <summary>The project a name typed by the user (-p, COMPOSE_PROJECT_NAME) stands for, or why it stands for none.</summary>
    public static (string? Name, string? Problem) FromGivenName(string given)
    {
        var normalized = NormalizeName(given);
        if (normalized.Length == 0) return (null, $"invalid project name \"{given}\"");
        return NameProblem(normalized) is { } problem ? (null, problem) : (normalized, null);
    }

    /// <summary>Why <paramref name="name"/> cannot be a project name, in Compose's words; null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "project name can't be empty";
        if (NormalizeName(name) != name)
            return $"invalid project name \"{name}\": it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit";
        if (name.Length > MaxNameLength)
            return $"invalid project name \"{name[..24]}…\": it has {name.Length} characters, more than the {MaxNameLength} allowed";
        return null;
    }
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
    /// <summary><c>enable_ipv4</c> as written; null: not written (IPv4 on). False needs Engine API 1.47+.</summary>
    public bool? EnableIpv4 { get; init; }
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public Ipam? Ipam { get; init; }
}

public sealed record Ipam(string? Driver, ImmutableArray<IpamPool> Config)
{
    /// <summary>Options for the IPAM driver.</summary>
    public ImmutableSortedDictionary<string, string> Options { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

public sealed record IpamPool(string? Subnet, string? IpRange, string? Gateway)
{
    /// <summary>Addresses the driver must not hand out, by host name.</summary>
    public ImmutableSortedDictionary<string, string> AuxAddresses { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

public sealed record Volume
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public bool External { get; init; }
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>False with <c>x-composer: { movable: false }</c>: <c>composer move</c> refuses to carry it to another host.</summary>
    public bool Movable { get; init; } = true;
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
