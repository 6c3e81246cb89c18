using System.Collections.Immutable;

namespace Composer.Core.Engine;

/// <summary>What the engine has for a project, read in one pass (one label-filtered list per resource kind).</summary>
public sealed record ObservedState
{
    public ImmutableArray<ObservedContainer> Containers { get; init; } = [];

    /// <summary>The containers of the services named on a command line; all of them when none is named.</summary>
    public IEnumerable<ObservedContainer> ContainersOf(IReadOnlyCollection<string> services) =>
        services.Count == 0 ? Containers : Containers.Where(c => services.Contains(c.Service));
    public ImmutableArray<ObservedNetwork> Networks { get; init; } = [];
    public ImmutableArray<ObservedVolume> Volumes { get; init; } = [];
    /// <summary>Image reference → local image id, or null where the image is not present.</summary>
    public ImmutableSortedDictionary<string, string?> Images { get; init; } = ImmutableSortedDictionary<string, string?>.Empty;
    /// <summary>Image reference → when the engine last tagged it (its metadata's LastTagTime), for present images that have one.</summary>
    public ImmutableSortedDictionary<string, DateTimeOffset> ImageTagTimes { get; init; } = ImmutableSortedDictionary<string, DateTimeOffset>.Empty;
    /// <summary>External networks and volumes the project names, with whether each exists.</summary>
    public ImmutableSortedDictionary<string, bool> ExternalNetworks { get; init; } = ImmutableSortedDictionary<string, bool>.Empty;
    public ImmutableSortedDictionary<string, bool> ExternalVolumes { get; init; } = ImmutableSortedDictionary<string, bool>.Empty;

    public static readonly ObservedState Empty = new();
}

public static class ContainerState
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Restarting = "restarting";
    public const string Exited = "exited";
    public const string Dead = "dead";
    public const string Removing = "removing";
}

public sealed record ObservedContainer
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Service { get; init; }
    public int Number { get; init; } = 1;
    public string State { get; init; } = ContainerState.Running;
    public string? ConfigHash { get; init; }
    public string? ImageId { get; init; }
    public bool OneOff { get; init; }
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>Engine names of the networks the container is attached to.</summary>
    public ImmutableArray<string> Networks { get; init; } = [];
    /// <summary>Network name → IPv4 address, while the container runs.</summary>
    public ImmutableSortedDictionary<string, string> Addresses { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>The engine's status line ("Up 5 minutes", "Exited (1) 2 seconds ago").</summary>
    public string Status { get; init; } = "";
    public string Image { get; init; } = "";
    public string Command { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public ImmutableArray<ObservedPort> Ports { get; init; } = [];
    /// <summary>Ids of the networks the container is attached to (names can be ambiguous when a network is duplicated).</summary>
    public ImmutableArray<string> NetworkIds { get; init; } = [];
    /// <summary>The container's volume mounts (named and anonymous), as the engine lists them.</summary>
    public ImmutableArray<ObservedMount> Mounts { get; init; } = [];
    public bool IsRunning => State is ContainerState.Running or ContainerState.Restarting or ContainerState.Paused;
}

public sealed record ObservedPort(int PrivatePort, string Type, string? HostIp, int? PublicPort);

/// <summary>A volume mounted in a container: the engine's volume name and where it is mounted.</summary>
public sealed record ObservedMount(string VolumeName, string Destination);

public sealed record ObservedNetwork(string Id, string Name, string? Key);

public sealed record ObservedVolume(string Name, string? Key);
