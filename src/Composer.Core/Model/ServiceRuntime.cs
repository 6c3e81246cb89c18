using System.Collections.Immutable;

namespace Composer.Core.Model;

/// <summary>
/// The service keys that tune the container the engine runs (resources, kernel namespaces, security, logging, devices)
/// and the ones with a meaning outside the container (hooks, attach, deploy, provider, models). Kept apart from
/// <see cref="Service"/> so the core record stays readable; every field is null or empty unless the file sets it.
/// </summary>
public sealed record ServiceRuntime
{
    public static readonly ServiceRuntime Empty = new();

    public LoggingOptions? Logging { get; init; }
    public double? Cpus { get; init; }
    public long? CpuCount { get; init; }
    public double? CpuPercent { get; init; }
    public long? CpuShares { get; init; }
    public long? CpuPeriod { get; init; }
    public long? CpuQuota { get; init; }
    public long? CpuRtPeriod { get; init; }
    public long? CpuRtRuntime { get; init; }
    public string? Cpuset { get; init; }
    public long? MemReservation { get; init; }
    public long? MemSwappiness { get; init; }
    /// <summary>Memory plus swap in bytes; -1 for unlimited swap.</summary>
    public long? MemswapLimit { get; init; }
    public long? PidsLimit { get; init; }
    public bool OomKillDisable { get; init; }
    public long? OomScoreAdj { get; init; }
    public BlkioConfig? Blkio { get; init; }
    public ImmutableArray<string> SecurityOpt { get; init; } = [];
    public ImmutableArray<DeviceMapping> Devices { get; init; } = [];
    public ImmutableArray<string> DeviceCgroupRules { get; init; } = [];
    /// <summary>From <c>gpus</c>: each asks the engine for devices with the <c>gpu</c> capability.</summary>
    public ImmutableArray<DeviceRequest> Gpus { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Sysctls { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public string? Pid { get; init; }
    public string? Ipc { get; init; }
    public string? Uts { get; init; }
    public string? UsernsMode { get; init; }
    /// <summary>The cgroup namespace: <c>host</c> or <c>private</c>.</summary>
    public string? Cgroup { get; init; }
    public string? CgroupParent { get; init; }
    public ImmutableArray<string> GroupAdd { get; init; } = [];
    public ImmutableArray<string> DnsOpt { get; init; } = [];
    public ImmutableArray<string> DnsSearch { get; init; } = [];
    public string? Domainname { get; init; }
    public string? MacAddress { get; init; }
    public ImmutableSortedDictionary<string, string> StorageOpt { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public string? Runtime { get; init; }
    public string? Platform { get; init; }
    public string? Isolation { get; init; }
    public string? VolumeDriver { get; init; }
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>Files the labels were read from (already merged into <see cref="Service.Labels"/>), for <c>config</c>.</summary>
    public ImmutableArray<string> LabelFiles { get; init; } = [];
    /// <summary><c>attach: false</c>: an attached <c>up</c> does not follow this service's logs. Null: attached.</summary>
    public bool? Attach { get; init; }
    public ImmutableArray<ServiceHook> PostStart { get; init; } = [];
    public ImmutableArray<ServiceHook> PreStop { get; init; } = [];
    /// <summary><c>pre_start</c> init containers as written: printed by <c>config</c>; <c>up</c> refuses them (Composer does not run them).</summary>
    public object? PreStart { get; init; }
    /// <summary><c>pull_refresh_after</c> as written (with <c>pull_policy: refresh</c>).</summary>
    public string? PullRefreshAfter { get; init; }
    /// <summary>Bind the engine's API socket into the container at <c>/var/run/docker.sock</c>, as Compose does.</summary>
    public bool UseApiSocket { get; init; }
    /// <summary>Windows only; kept and warned about, never sent to a Linux engine.</summary>
    public ImmutableSortedDictionary<string, string> CredentialSpec { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary><c>develop</c> as written, for <c>config</c>; <see cref="DevelopWatch"/> is what <c>composer watch</c> acts on.</summary>
    public object? Develop { get; init; }
    /// <summary><c>develop.watch</c> rules, paths resolved (<c>composer watch</c> syncs, restarts, rebuilds by them).</summary>
    public ImmutableArray<WatchRule> DevelopWatch { get; init; } = [];
    public ServiceProvider? Provider { get; init; }
    /// <summary>Top-level <c>models</c> this service uses, by key (the value: the variable name, null for Compose's default).</summary>
    public ImmutableSortedDictionary<string, string?> Models { get; init; } = ImmutableSortedDictionary<string, string?>.Empty;
}

public sealed record LoggingOptions(string? Driver, ImmutableSortedDictionary<string, string> Options);

public sealed record DeviceMapping(string Source, string Target, string Permissions);

/// <summary>A request for devices by capability (GPUs), as the engine's <c>DeviceRequests</c>.</summary>
public sealed record DeviceRequest
{
    public string? Driver { get; init; }
    /// <summary>-1: all.</summary>
    public long? Count { get; init; }
    public ImmutableArray<string> DeviceIds { get; init; } = [];
    public ImmutableArray<string> Capabilities { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Options { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

public sealed record BlkioConfig
{
    public long? Weight { get; init; }
    public ImmutableArray<BlkioDevice> WeightDevice { get; init; } = [];
    public ImmutableArray<BlkioDevice> DeviceReadBps { get; init; } = [];
    public ImmutableArray<BlkioDevice> DeviceWriteBps { get; init; } = [];
    public ImmutableArray<BlkioDevice> DeviceReadIops { get; init; } = [];
    public ImmutableArray<BlkioDevice> DeviceWriteIops { get; init; } = [];
}

/// <summary>A block device and a weight or a rate (bytes or operations per second).</summary>
public sealed record BlkioDevice(string Path, long Value);

/// <summary>A command run in the container through the engine's exec (post_start after start, pre_stop before stop).</summary>
public sealed record ServiceHook
{
    public ImmutableArray<string> Command { get; init; } = [];
    public string? User { get; init; }
    public bool Privileged { get; init; }
    public string? WorkingDir { get; init; }
    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>A service run by a Compose provider plugin (<c>docker-&lt;type&gt;</c>) instead of a container.</summary>
public sealed record ServiceProvider(string Type, ImmutableSortedDictionary<string, string> Options);
