using System.Collections.Immutable;
using Composer.Core.Model;

namespace Composer.Core.Engine;

/// <summary>Everything the engine needs to create one container: the model resolved to names the engine knows.</summary>
public sealed record ContainerSpec
{
    public required string Name { get; init; }
    public required string Service { get; init; }
    public int Number { get; init; } = 1;
    public required string Image { get; init; }
    public ImmutableArray<string>? Command { get; init; }
    public ImmutableArray<string>? Entrypoint { get; init; }
    /// <summary>KEY=VALUE, sorted by key.</summary>
    public ImmutableArray<string> Environment { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>port/proto for every exposed or published port.</summary>
    public ImmutableArray<string> ExposedPorts { get; init; } = [];
    public ImmutableArray<PortBinding> Ports { get; init; } = [];
    /// <summary>Mounts with engine volume names in <see cref="Mount.Source"/>.</summary>
    public ImmutableArray<Mount> Mounts { get; init; } = [];
    public ImmutableArray<string> VolumesFrom { get; init; } = [];
    /// <summary>The network attached at create time (engine API 1.41 takes one); null with a network mode.</summary>
    public NetworkAttachment? PrimaryNetwork { get; init; }
    /// <summary>Networks connected after create and before start.</summary>
    public ImmutableArray<NetworkAttachment> ExtraNetworks { get; init; } = [];
    /// <summary>bridge, host, none, container:NAME; null means the primary network's name.</summary>
    public string? NetworkMode { get; init; }
    /// <summary>Legacy links as <c>container:alias</c>.</summary>
    public ImmutableArray<string> Links { get; init; } = [];
    public ImmutableArray<string> ExtraHosts { get; init; } = [];
    public ImmutableArray<string> Dns { get; init; } = [];
    public string? RestartPolicy { get; init; }
    public Healthcheck? Healthcheck { get; init; }
    public string? Hostname { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public bool Tty { get; init; }
    public bool StdinOpen { get; init; }
    /// <summary>The engine closes the process's stdin when the attached client closes its input (one-off runs).</summary>
    public bool StdinOnce { get; init; }
    public bool Privileged { get; init; }
    public bool ReadOnly { get; init; }
    public bool? Init { get; init; }
    public string? StopSignal { get; init; }
    public TimeSpan? StopTimeout { get; init; }
    public ImmutableArray<string> CapAdd { get; init; } = [];
    public ImmutableArray<string> CapDrop { get; init; } = [];
    public ImmutableSortedDictionary<string, Ulimit> Ulimits { get; init; } = ImmutableSortedDictionary<string, Ulimit>.Empty;
    /// <summary>tmpfs mounts: container path to mount options ("" for the defaults).</summary>
    public ImmutableSortedDictionary<string, string> Tmpfs { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public long? ShmSize { get; init; }
    public long? MemLimit { get; init; }
    /// <summary>Resources, namespaces, security, logging, devices, hooks (<see cref="ServiceRuntime"/>), mapped by the adapter.</summary>
    public ServiceRuntime Runtime { get; init; } = ServiceRuntime.Empty;
    /// <summary>The service's <c>deploy</c>: its resources win over <see cref="Runtime"/>'s (<see cref="DeployOnOneEngine"/>).</summary>
    public Deploy? Deploy { get; init; }
    /// <summary>Files written into the container after create and before start (secrets and configs without a host file).</summary>
    public ImmutableArray<InjectedFile> Files { get; init; } = [];
    /// <summary>
    /// Dependencies whose addresses go into this container's environment (link variables, <c>ALIAS_PORTS</c>). The
    /// addresses exist only once the targets run, so the executor resolves them right before create
    /// (Planning's <c>LinkVariables</c>); the plan and the config hash hold only these names, never addresses.
    /// </summary>
    public ImmutableArray<LinkTarget> LinkTargets { get; init; } = [];
}

/// <summary>A file the engine copies into a created container: a secret or config whose content is not on the host.</summary>
public sealed record InjectedFile(string Path, string Content, int Mode = 0x124 /* 0444 */, string? Uid = null, string? Gid = null);

/// <summary>
/// A dependency the consumer gets address variables for. <see cref="DockerVariables"/>: Composer writes Docker's
/// legacy link variables itself (on project networks, where the engine gives only the alias); the discovery
/// variable <c>ALIAS_PORTS</c> is always written. <see cref="External"/>: not the project's (external_links), so not
/// among what the planner observes.
/// </summary>
public sealed record LinkTarget(string Alias, string Container, bool DockerVariables, bool External = false);

public sealed record NetworkAttachment(string NetworkName, ImmutableArray<string> Aliases, string? Ipv4Address = null, string? Ipv6Address = null)
{
    /// <summary>The endpoint's driver options (<c>networks.X.driver_opts</c>).</summary>
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> LinkLocalIps { get; init; } = [];
}

public sealed record NetworkSpec(string Name, string? Driver, bool Internal, bool Attachable, bool EnableIpv6, Ipam? Ipam,
    ImmutableSortedDictionary<string, string> DriverOpts, ImmutableSortedDictionary<string, string> Labels);

public sealed record VolumeSpec(string Name, string? Driver, ImmutableSortedDictionary<string, string> DriverOpts, ImmutableSortedDictionary<string, string> Labels);
