using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Composer.Core.Model;

/// <summary>
/// A service's <c>deploy</c> section beyond <c>replicas</c> (the service's <c>scale</c>): the one model both paths read.
/// A Swarm schedules by all of it; on one engine, as Compose does, the resources and the restart policy win over the
/// service-level keys (<see cref="DeployOnOneEngine"/>) and the rest is only printed by <c>config</c>. Null fields mean
/// "not written", so the engine's defaults apply and a canonical form leaves them out.
/// </summary>
public sealed record Deploy
{
    /// <summary><c>replicated</c> (default), <c>global</c>, <c>replicated-job</c> or <c>global-job</c>.</summary>
    public string? Mode { get; init; }
    /// <summary><c>vip</c> or <c>dnsrr</c>.</summary>
    public string? EndpointMode { get; init; }
    /// <summary>Labels on the Swarm service (not on its containers; on one engine Compose sets them nowhere).</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Constraints { get; init; } = [];
    /// <summary>Spread descriptors in order, e.g. <c>node.labels.zone</c>.</summary>
    public ImmutableArray<string> SpreadPreferences { get; init; } = [];
    public int? MaxReplicasPerNode { get; init; }
    public DeployResources? Limits { get; init; }
    public DeployResources? Reservations { get; init; }
    public DeployRestartPolicy? RestartPolicy { get; init; }
    public DeployUpdateConfig? UpdateConfig { get; init; }
    public DeployUpdateConfig? RollbackConfig { get; init; }
    /// <summary><c>x-*</c> keys of the section as written, for <c>config</c>; no part of the Swarm's canonical form.</summary>
    [JsonIgnore]
    public ImmutableSortedDictionary<string, object?> Extensions { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;

    /// <summary>Nothing a Swarm or an engine acts on was written (a section with only <c>replicas</c> or <c>x-*</c> keys).</summary>
    [JsonIgnore]
    public bool IsEmpty => this is { Mode: null, EndpointMode: null, Labels.Count: 0, Constraints.Length: 0, SpreadPreferences.Length: 0,
        MaxReplicasPerNode: null, Limits: null, Reservations: null, RestartPolicy: null, UpdateConfig: null, RollbackConfig: null };
}

/// <summary>CPUs in nano-CPUs (0.5 = 500000000), memory in bytes; device reservations (GPUs) on one engine.</summary>
public sealed record DeployResources(long? NanoCpus, long? MemoryBytes, long? Pids = null)
{
    [JsonIgnore]
    public double? Cpus => NanoCpus / 1e9;
    /// <summary><c>reservations.devices</c>, as the engine's DeviceRequests (a Swarm has no such field).</summary>
    [JsonIgnore]
    public ImmutableArray<DeviceRequest> Devices { get; init; } = [];
}

/// <summary><c>condition</c>: <c>none</c>, <c>on-failure</c> or <c>any</c> (Compose also reads <c>no</c>, <c>always</c>, <c>unless-stopped</c>).</summary>
public sealed record DeployRestartPolicy(string? Condition, TimeSpan? Delay, long? MaxAttempts, TimeSpan? Window);

public sealed record DeployUpdateConfig(int? Parallelism, TimeSpan? Delay, string? FailureAction, TimeSpan? Monitor, double? MaxFailureRatio, string? Order);

/// <summary>
/// What <c>deploy</c> means for a container on one engine, as Compose's <c>getDeployResources</c> and restart policy
/// mapping: deploy limits and reservations win over <c>cpus</c>, <c>mem_limit</c>, <c>pids_limit</c>,
/// <c>mem_reservation</c>; <c>restart_policy</c> wins over <c>restart</c>; device reservations join <c>gpus</c>.
/// </summary>
public static class DeployOnOneEngine
{
    public static long? Memory(Deploy? d, long? memLimit) => d?.Limits?.MemoryBytes ?? memLimit;
    public static double? Cpus(Deploy? d, ServiceRuntime r) => d?.Limits?.Cpus ?? r.Cpus;
    public static long? PidsLimit(Deploy? d, ServiceRuntime r) => d?.Limits?.Pids ?? r.PidsLimit;
    public static long? MemReservation(Deploy? d, ServiceRuntime r) => d?.Reservations?.MemoryBytes ?? r.MemReservation;

    /// <summary>GPU requests and <c>deploy.resources.reservations.devices</c>, in the engine's DeviceRequests form.</summary>
    public static IEnumerable<DeviceRequest> DeviceRequests(Deploy? d, ServiceRuntime r) => r.Gpus.Concat(d?.Reservations?.Devices ?? []);

    /// <summary><c>deploy.restart_policy</c> in <c>restart:</c> form (it wins when both are set, as in Compose).</summary>
    public static string? Restart(Deploy? d, string? restart) => d?.RestartPolicy is { } p
        ? (p.Condition switch { "any" or "always" => "always", "on-failure" => "on-failure", "unless-stopped" => "unless-stopped", _ => "no" })
          + (p.Condition == "on-failure" && p.MaxAttempts is { } n ? $":{n}" : "")
        : restart;
}
