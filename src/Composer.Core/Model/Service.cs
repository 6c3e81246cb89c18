using System.Collections.Immutable;

namespace Composer.Core.Model;

/// <summary>One service, normalized: short syntaxes expanded, paths absolute, references checked.</summary>
public sealed record Service
{
    public required string Name { get; init; }
    public string? Image { get; init; }
    public BuildSpec? Build { get; init; }
    /// <summary>Null means "the image's own"; an empty array means "explicitly nothing".</summary>
    public ImmutableArray<string>? Command { get; init; }
    public ImmutableArray<string>? Entrypoint { get; init; }
    /// <summary>Variables in order of name; a null value means "declared without a value" (passed through unset).</summary>
    public ImmutableSortedDictionary<string, string?> Environment { get; init; } = ImmutableSortedDictionary<string, string?>.Empty;
    public ImmutableArray<PortBinding> Ports { get; init; } = [];
    /// <summary>Exposed ports as <c>port/proto</c>.</summary>
    public ImmutableArray<string> Expose { get; init; } = [];
    public ImmutableSortedDictionary<string, Dependency> DependsOn { get; init; } = ImmutableSortedDictionary<string, Dependency>.Empty;
    public ImmutableArray<Link> Links { get; init; } = [];
    public ImmutableArray<string> ExternalLinks { get; init; } = [];
    /// <summary>Networks by top-level key. Empty when <see cref="NetworkMode"/> is set.</summary>
    public ImmutableSortedDictionary<string, ServiceNetwork> Networks { get; init; } = ImmutableSortedDictionary<string, ServiceNetwork>.Empty;
    public string? NetworkMode { get; init; }
    public ImmutableArray<Mount> Volumes { get; init; } = [];
    public ImmutableArray<string> VolumesFrom { get; init; } = [];
    public string? Restart { get; init; }
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public string? ContainerName { get; init; }
    public string? Hostname { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public bool Tty { get; init; }
    public bool StdinOpen { get; init; }
    public bool Privileged { get; init; }
    public bool ReadOnly { get; init; }
    public bool? Init { get; init; }
    public string? StopSignal { get; init; }
    public TimeSpan? StopGracePeriod { get; init; }
    public ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];
    public ImmutableArray<string> Dns { get; init; } = [];
    public ImmutableArray<string> CapAdd { get; init; } = [];
    public ImmutableArray<string> CapDrop { get; init; } = [];
    public Healthcheck? Healthcheck { get; init; }
    public ImmutableArray<string> Profiles { get; init; } = [];
    public int Scale { get; init; } = 1;
    public string? PullPolicy { get; init; }
    /// <summary>Resource limits by name (<c>nofile</c>, <c>nproc</c>, ...).</summary>
    public ImmutableSortedDictionary<string, Ulimit> Ulimits { get; init; } = ImmutableSortedDictionary<string, Ulimit>.Empty;
    /// <summary>tmpfs mounts as <c>path[:options]</c>.</summary>
    public ImmutableArray<string> Tmpfs { get; init; } = [];
    /// <summary>Secrets granted to the service, by top-level key; mounted under <c>/run/secrets</c>.</summary>
    public ImmutableArray<FileReference> Secrets { get; init; } = [];
    /// <summary>Configs granted to the service, by top-level key; mounted at <c>/&lt;name&gt;</c> by default.</summary>
    public ImmutableArray<FileReference> Configs { get; init; } = [];
    /// <summary>Size of /dev/shm in bytes.</summary>
    public long? ShmSize { get; init; }
    /// <summary>Memory limit in bytes.</summary>
    public long? MemLimit { get; init; }
    /// <summary>Resources, namespaces, security, logging, devices, hooks, deploy, provider: see <see cref="ServiceRuntime"/>.</summary>
    public ServiceRuntime Runtime { get; init; } = ServiceRuntime.Empty;
    /// <summary>The <c>deploy</c> keys a Swarm reads (<c>composer stack deploy</c>); <c>up</c> reads only the replicas (<see cref="Scale"/>).</summary>
    public Deploy? Deploy { get; init; }
    /// <summary>Composer's own settings from <c>x-composer</c>; kept as text so the model stays flat.</summary>
    public ImmutableSortedDictionary<string, string> Extensions { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>The service's other <c>x-*</c> fields, as written: they mean nothing to Composer, and Compose prints them.</summary>
    public ImmutableSortedDictionary<string, object?> ExtensionFields { get; init; } = ImmutableSortedDictionary<string, object?>.Empty;
}

public sealed record BuildSpec(string Context, string? Dockerfile, ImmutableSortedDictionary<string, string?> Args, string? Target)
{
    /// <summary>Labels set on the built image.</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>The network the build's RUN steps use (<c>host</c>, <c>none</c>, a network name); null: the engine's default.</summary>
    public string? Network { get; init; }
    public ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];
    /// <summary>Size of /dev/shm for the build's RUN steps, in bytes.</summary>
    public long? ShmSize { get; init; }
    /// <summary>The Dockerfile's text written in the compose file; sent in the context in place of a file.</summary>
    public string? DockerfileInline { get; init; }
    /// <summary>Images whose layers the build may reuse.</summary>
    public ImmutableArray<string> CacheFrom { get; init; } = [];
    public ImmutableArray<string> CacheTo { get; init; } = [];
    public bool NoCache { get; init; }
    public ImmutableArray<string> NoCacheFilter { get; init; } = [];
    /// <summary>Always pull the base images, even when the engine has them.</summary>
    public bool Pull { get; init; }
    /// <summary>Further names for the built image, beside the service's.</summary>
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableArray<string> Platforms { get; init; } = [];
    /// <summary>SSH agent sockets or keys, as <c>id</c> or <c>id=path</c>.</summary>
    public ImmutableArray<string> Ssh { get; init; } = [];
    public ImmutableArray<FileReference> Secrets { get; init; } = [];
    public ImmutableSortedDictionary<string, string> AdditionalContexts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Entitlements { get; init; } = [];
    public bool Privileged { get; init; }
    public string? Provenance { get; init; }
    public string? Sbom { get; init; }
    public string? Isolation { get; init; }
    public ImmutableSortedDictionary<string, Ulimit> Ulimits { get; init; } = ImmutableSortedDictionary<string, Ulimit>.Empty;
}

public static class DependencyCondition
{
    public const string Started = "service_started";
    public const string Healthy = "service_healthy";
    public const string CompletedSuccessfully = "service_completed_successfully";
    public static readonly ImmutableArray<string> All = [Started, Healthy, CompletedSuccessfully];
}

public sealed record Dependency(string Condition = DependencyCondition.Started, bool Restart = false, bool Required = true);

/// <summary>A legacy link: the consumer reaches <see cref="Service"/> as <see cref="Alias"/>.</summary>
public sealed record Link(string Service, string Alias);

public sealed record ServiceNetwork
{
    public ImmutableArray<string> Aliases { get; init; } = [];
    public string? Ipv4Address { get; init; }
    public string? Ipv6Address { get; init; }
    public int Priority { get; init; }
    /// <summary>Options for the network driver on this attachment (the endpoint's DriverOpts).</summary>
    public ImmutableSortedDictionary<string, string> DriverOpts { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>Which network's gateway is the default route: the highest wins (Engine API 1.48+).</summary>
    public int GwPriority { get; init; }
    /// <summary>The interface name inside the container (Engine API 1.49+).</summary>
    public string? InterfaceName { get; init; }
    public ImmutableArray<string> LinkLocalIps { get; init; } = [];
    /// <summary>The MAC address on this network (Engine API 1.44+).</summary>
    public string? MacAddress { get; init; }
}

/// <summary>A published port. <see cref="Published"/> is null for "any free host port"; it may be a range "8000-8010".</summary>
public sealed record PortBinding(int Target, string? Published = null, string? HostIp = null, string Protocol = "tcp")
{
    /// <summary><c>ingress</c> (the default) or <c>host</c>: Swarm's routing mode; one engine publishes both alike.</summary>
    public string Mode { get; init; } = "ingress";
    /// <summary>A name for the port, for humans and tools (Compose's <c>ports[].name</c>).</summary>
    public string? Name { get; init; }
    /// <summary>The application protocol (http, grpc…) the port speaks, for tools; the engine ignores it.</summary>
    public string? AppProtocol { get; init; }

    public override string ToString() =>
        (HostIp is null ? "" : (HostIp.Contains(':') ? $"[{HostIp}]:" : HostIp + ":")) +
        (Published is null ? (HostIp is null ? "" : ":") : Published + ":") + $"{Target}/{Protocol}";
}

public static class MountType
{
    public const string Volume = "volume";
    public const string Bind = "bind";
    public const string Tmpfs = "tmpfs";
    /// <summary>An image's file system, read-only (Engine API 1.48+).</summary>
    public const string Image = "image";
    /// <summary>A Windows named pipe.</summary>
    public const string Npipe = "npipe";
    /// <summary>A Swarm cluster (CSI) volume.</summary>
    public const string Cluster = "cluster";
}

/// <summary>
/// A mount. For volumes <see cref="Source"/> is the top-level volume key (null: anonymous volume); for binds it is an
/// absolute host path.
/// </summary>
public sealed record Mount(string Type, string? Source, string Target, bool ReadOnly = false)
{
    public bool CreateHostPath { get; init; } = true;
    /// <summary>Bind propagation: private, rprivate, shared, rshared, slave or rslave (null: the engine's default).</summary>
    public string? Propagation { get; init; }
    /// <summary>SELinux relabelling of a bind: <c>z</c> (shared) or <c>Z</c> (private).</summary>
    public string? Selinux { get; init; }
    /// <summary>For volumes: do not copy the image's content at the target into a new volume.</summary>
    public bool NoCopy { get; init; }
    /// <summary>For tmpfs mounts: the size in bytes (null: the engine's default).</summary>
    public long? TmpfsSize { get; init; }
    /// <summary>For tmpfs mounts: the file mode of the mount's root (null: the engine's default, 1777).</summary>
    public int? TmpfsMode { get; init; }
    /// <summary>Mount consistency (<c>consistent</c>, <c>cached</c>, <c>delegated</c>): meaningful on Docker Desktop only.</summary>
    public string? Consistency { get; init; }
    /// <summary>For volume and image mounts: the path inside the volume or image to mount instead of its root.</summary>
    public string? Subpath { get; init; }
    /// <summary>For volume mounts: labels set on a volume the mount creates.</summary>
    public ImmutableSortedDictionary<string, string> VolumeLabels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>For binds: <c>enabled</c>, <c>disabled</c>, <c>writable</c> or <c>readonly</c> (submounts).</summary>
    public string? Recursive { get; init; }
    /// <summary>
    /// Whether the file wrote a <c>bind:</c> (or <c>volume:</c>) section or used the short syntax, which implies one;
    /// <c>config</c> prints the section only then, as Compose does.
    /// </summary>
    public bool OptionsWritten { get; init; } = true;
}

public sealed record Ulimit(long Soft, long Hard);

/// <summary>
/// A secret or config granted to a service: <see cref="Source"/> is the top-level key; <see cref="Target"/> null means
/// the default path (<c>/run/secrets/&lt;source&gt;</c> for secrets, <c>/&lt;source&gt;</c> for configs).
/// </summary>
public sealed record FileReference(string Source, string? Target = null, string? Uid = null, string? Gid = null, int? Mode = null)
{
    public string MountPath(bool secret) => Target switch
    {
        null => secret ? $"/run/secrets/{Source}" : $"/{Source}",
        var t when t.StartsWith('/') => t,
        var t => secret ? $"/run/secrets/{t}" : $"/{t}",
    };
}

public sealed record ExtraHost(string Host, string Address)
{
    public override string ToString() => $"{Host}:{Address}";
}

public sealed record Healthcheck
{
    public bool Disable { get; init; }
    /// <summary>Engine form: ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"].</summary>
    public ImmutableArray<string> Test { get; init; } = [];
    public TimeSpan? Interval { get; init; }
    public TimeSpan? Timeout { get; init; }
    public int? Retries { get; init; }
    public TimeSpan? StartPeriod { get; init; }
    public TimeSpan? StartInterval { get; init; }
}
