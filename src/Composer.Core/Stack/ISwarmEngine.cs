using System.Collections.Immutable;

namespace Composer.Core.Stack;

/// <summary>
/// The port for <c>composer stack</c>: a Swarm manager's services, tasks, nodes, networks, configs and secrets. The
/// Docker adapter implements it over the Engine API's Swarm endpoints; unit tests use a fake.
/// </summary>
public interface ISwarmEngine
{
    /// <summary>Fails with an actionable <see cref="Engine.EngineException"/> when the engine is not a Swarm manager.</summary>
    Task EnsureManagerAsync(CancellationToken cancellationToken);
    /// <summary>One read pass over the stack's objects (by the namespace label), its tasks and the swarm's nodes.</summary>
    Task<ObservedStack> ObserveAsync(string stack, CancellationToken cancellationToken);
    Task CreateNetworkAsync(StackNetwork network, CancellationToken cancellationToken);
    Task CreateFileObjectAsync(StackFileObject file, CancellationToken cancellationToken);
    Task CreateServiceAsync(StackService service, CancellationToken cancellationToken);
    Task UpdateServiceAsync(string id, ulong version, StackService service, CancellationToken cancellationToken);
    Task RemoveServiceAsync(string id, CancellationToken cancellationToken);
    Task RemoveNetworkAsync(string id, CancellationToken cancellationToken);
    Task RemoveFileObjectAsync(StackFileKind kind, string id, CancellationToken cancellationToken);
}

/// <summary>Docker's stack labels, and Composer's spec label on each service.</summary>
public static class StackLabels
{
    public const string Namespace = "com.docker.stack.namespace";
    public const string Image = "com.docker.stack.image";
    /// <summary>SHA-256 of <see cref="Spec"/>: a service whose hash is unchanged is left alone.</summary>
    public const string SpecHash = "io.composer.stack.spec-hash";
    /// <summary>The canonical form the hash is taken over, so <c>stack plan</c> can name the fields that changed.</summary>
    public const string Spec = "io.composer.stack.spec";
    /// <summary>SHA-256 of a config's or secret's content (Swarm never returns a secret's data).</summary>
    public const string ContentHash = "io.composer.stack.content-hash";
}

public enum StackFileKind { Secret, Config }

public sealed record StackNetwork(string Key, string Name, string Driver, bool Attachable, bool Internal)
{
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Subnets { get; init; } = [];
}

public sealed record StackFileObject(StackFileKind Kind, string Key, string Name, byte[] Data)
{
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>A secret or config as a task sees it: the Swarm object's name and where it is mounted.</summary>
public sealed record StackFileMount(string ObjectName, string FileName, string? Uid, string? Gid, int? Mode);

/// <summary>A named volume or bind mount as the Swarm sees it; <see cref="Source"/> is the engine's volume name or a host path.</summary>
public sealed record StackMount(string Type, string? Source, string Target, bool ReadOnly)
{
    public ImmutableSortedDictionary<string, string> VolumeLabels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>A network attachment: the engine's network name and the DNS aliases on it (the service's name first).</summary>
public sealed record StackAttachment(string Network, ImmutableArray<string> Aliases);

/// <summary>
/// Everything the adapter needs to create one Swarm service: the model service (image, command, environment,
/// healthcheck, deploy, ports...) plus the names resolved for the stack.
/// </summary>
public sealed record StackService
{
    public required string Name { get; init; }
    public required Model.Service Model { get; init; }
    public required string Hash { get; init; }
    /// <summary>Labels on the service object (namespace, image, spec, hash, deploy.labels).</summary>
    public required ImmutableSortedDictionary<string, string> Labels { get; init; }
    /// <summary>Labels on each task's container (the service's own labels plus the namespace).</summary>
    public required ImmutableSortedDictionary<string, string> ContainerLabels { get; init; }
    public ImmutableArray<StackAttachment> Networks { get; init; } = [];
    public ImmutableArray<StackMount> Mounts { get; init; } = [];
    public ImmutableArray<StackFileMount> Secrets { get; init; } = [];
    public ImmutableArray<StackFileMount> Configs { get; init; } = [];
    /// <summary>Replicas for replicated modes (the model's scale).</summary>
    public int Replicas => Model.Scale;
    public string Mode => Model.Deploy?.Mode ?? "replicated";
}

public sealed record ObservedStack
{
    public ImmutableArray<ObservedSwarmService> Services { get; init; } = [];
    public ImmutableArray<ObservedSwarmObject> Networks { get; init; } = [];
    public ImmutableArray<ObservedSwarmObject> Secrets { get; init; } = [];
    public ImmutableArray<ObservedSwarmObject> Configs { get; init; } = [];
    public ImmutableArray<ObservedTask> Tasks { get; init; } = [];
    public ImmutableArray<ObservedNode> Nodes { get; init; } = [];
    public bool IsEmpty => Services.IsEmpty && Networks.IsEmpty && Secrets.IsEmpty && Configs.IsEmpty;
}

public sealed record ObservedSwarmObject(string Id, string Name, ImmutableSortedDictionary<string, string> Labels);

public sealed record ObservedSwarmService(string Id, string Name, ulong Version, ImmutableSortedDictionary<string, string> Labels)
{
    /// <summary><c>replicated</c>, <c>global</c>, ...</summary>
    public string Mode { get; init; } = "replicated";
    public int Replicas { get; init; }
    public string Image { get; init; } = "";
    /// <summary>The rolling update's state (<c>updating</c>, <c>completed</c>, <c>paused</c>, <c>rollback_*</c>); null when none ran.</summary>
    public string? UpdateState { get; init; }
    public string? UpdateMessage { get; init; }
    public ImmutableArray<string> Ports { get; init; } = [];
    public string? SpecHash => Labels.GetValueOrDefault(StackLabels.SpecHash);
}

/// <summary>A Swarm task. <see cref="State"/> and <see cref="DesiredState"/> are the engine's lower-case names (running, failed...).</summary>
public sealed record ObservedTask(string Id, string ServiceId, string ServiceName, int? Slot, string NodeId, string State, string DesiredState)
{
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the task entered <see cref="State"/>.</summary>
    public DateTimeOffset? StateSince { get; init; }
    public string? Error { get; init; }
    public string? Message { get; init; }
    public long? ExitCode { get; init; }
    public string Image { get; init; } = "";
    /// <summary>The spec hash its service had when the task was made (a container label): older tasks are leftovers of an update.</summary>
    public string? SpecHash { get; init; }
    public bool IsRunning => State == "running";
    public bool IsFailed => State is "failed" or "rejected";
}

public sealed record ObservedNode(string Id, string Hostname, string State, string Availability, string? Address);
