using System.Collections.Immutable;

namespace Composer.Core.Model;

/// <summary>
/// A service's <c>deploy</c> section beyond <c>replicas</c>: what a Swarm schedules by. Null fields mean "not written",
/// so the engine's defaults apply and a canonical form leaves them out.
/// </summary>
public sealed record Deploy
{
    /// <summary><c>replicated</c> (default), <c>global</c>, <c>replicated-job</c> or <c>global-job</c>.</summary>
    public string? Mode { get; init; }
    /// <summary><c>vip</c> or <c>dnsrr</c>.</summary>
    public string? EndpointMode { get; init; }
    /// <summary>Labels on the Swarm service (not on its containers).</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Constraints { get; init; } = [];
    /// <summary>Spread descriptors in order, e.g. <c>node.labels.zone</c>.</summary>
    public ImmutableArray<string> SpreadPreferences { get; init; } = [];
    public int? MaxReplicasPerNode { get; init; }
    public DeployResources? Limits { get; init; }
    public DeployResources? Reservations { get; init; }
    public StackRestartPolicy? RestartPolicy { get; init; }
    public DeployUpdateConfig? UpdateConfig { get; init; }
    public DeployUpdateConfig? RollbackConfig { get; init; }
}

/// <summary>CPUs in nano-CPUs (0.5 = 500000000), memory in bytes.</summary>
public sealed record DeployResources(long? NanoCpus, long? MemoryBytes, long? Pids = null);

/// <summary><c>condition</c>: <c>none</c>, <c>on-failure</c> or <c>any</c>.</summary>
public sealed record StackRestartPolicy(string? Condition, TimeSpan? Delay, int? MaxAttempts, TimeSpan? Window);

public sealed record DeployUpdateConfig(int? Parallelism, TimeSpan? Delay, string? FailureAction, TimeSpan? Monitor, double? MaxFailureRatio, string? Order);
