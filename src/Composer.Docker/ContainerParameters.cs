using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet.Models;
using ContainerSpec = Composer.Core.Engine.ContainerSpec;
using NetworkSpec = Composer.Core.Engine.NetworkSpec;
using NetworkAttachment = Composer.Core.Engine.NetworkAttachment;
using CoreMount = Composer.Core.Model.Mount;
using EngineMount = Docker.DotNet.Models.Mount;
using EnginePortBinding = Docker.DotNet.Models.PortBinding;

namespace Composer.Docker;

/// <summary>Maps a <see cref="ContainerSpec"/> to the engine's create parameters. Pure; tested without an engine.</summary>
internal static class ContainerParameters
{
    public static CreateContainerParameters From(ContainerSpec spec)
    {
        var exposed = spec.ExposedPorts.ToDictionary(p => p, _ => new EmptyStruct());
        var bindings = spec.Ports.GroupBy(p => $"{p.Target}/{p.Protocol}")
            .ToDictionary(g => g.Key, g => (IList<EnginePortBinding>)[.. g.Select(p => new EnginePortBinding { HostIP = p.HostIp ?? "", HostPort = p.Published ?? "" })]);
        var binds = spec.Mounts.Where(UsesBindString).Select(BindString).ToList();
        var mounts = spec.Mounts.Where(m => !UsesBindString(m)).Select(ToEngineMount).ToList();

        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Cmd = spec.Command is { } cmd ? [.. cmd] : null,
            Entrypoint = spec.Entrypoint is { } ep ? (ep.IsEmpty ? [""] : [.. ep]) : null,
            Env = [.. spec.Environment],
            Labels = spec.Labels.ToDictionary(kv => kv.Key, kv => kv.Value),
            ExposedPorts = exposed.Count > 0 ? exposed : null,
            Hostname = spec.Hostname,
            WorkingDir = spec.WorkingDir,
            User = spec.User,
            Tty = spec.Tty,
            OpenStdin = spec.StdinOpen,
            StdinOnce = spec.StdinOnce,
            AttachStdin = false,
            AttachStdout = false,
            AttachStderr = false,
            StopSignal = spec.StopSignal,
            StopTimeout = spec.StopTimeout,
            Healthcheck = Healthcheck(spec.Healthcheck),
            Domainname = spec.Runtime.Domainname,
            Platform = spec.Runtime.Platform,
            HostConfig = new HostConfig
            {
                NetworkMode = spec.NetworkMode,
                PortBindings = bindings.Count > 0 ? bindings : null,
                Binds = binds.Count > 0 ? binds : null,
                Mounts = mounts.Count > 0 ? mounts : null,
                VolumesFrom = spec.VolumesFrom.IsEmpty ? null : [.. spec.VolumesFrom],
                // Legacy links live on the default bridge only; on project networks the engine wants them per endpoint.
                Links = spec.Links.IsEmpty || spec.PrimaryNetwork is not null ? null : [.. spec.Links],
                ExtraHosts = spec.ExtraHosts.IsEmpty ? null : [.. spec.ExtraHosts],
                DNS = spec.Dns.IsEmpty ? null : [.. spec.Dns],
                RestartPolicy = RestartPolicy(spec.RestartPolicy),
                Privileged = spec.Privileged,
                ReadonlyRootfs = spec.ReadOnly,
                Init = spec.Init,
                CapAdd = spec.CapAdd.IsEmpty ? null : [.. spec.CapAdd],
                CapDrop = spec.CapDrop.IsEmpty ? null : [.. spec.CapDrop],
                Ulimits = spec.Ulimits.IsEmpty ? null : [.. spec.Ulimits.Select(kv => new global::Docker.DotNet.Models.Ulimit { Name = kv.Key, Soft = kv.Value.Soft, Hard = kv.Value.Hard })],
                Tmpfs = spec.Tmpfs.IsEmpty ? null : spec.Tmpfs.ToDictionary(kv => kv.Key, kv => kv.Value),
                ShmSize = spec.ShmSize ?? 0,
                Memory = spec.MemLimit ?? 0,
            }.WithRuntime(spec.Runtime, spec.Deploy),
            NetworkingConfig = spec.PrimaryNetwork is { } primary
                ? new NetworkingConfig { EndpointsConfig = new Dictionary<string, EndpointSettings> { [primary.NetworkName] = Endpoint(primary, spec.Links, spec.Runtime.MacAddress) } }
                : null,
        };
    }

    public static EndpointSettings Endpoint(NetworkAttachment a, IReadOnlyList<string> links, string? macAddress = null) => new()
    {
        MacAddress = macAddress,
        Aliases = [.. a.Aliases],
        Links = links.Count == 0 ? null : [.. links],
        DriverOpts = a.DriverOpts.IsEmpty ? null : a.DriverOpts.ToDictionary(kv => kv.Key, kv => kv.Value),
        IPAMConfig = a.Ipv4Address is null && a.Ipv6Address is null && a.LinkLocalIps.IsEmpty ? null
            : new EndpointIPAMConfig { IPv4Address = a.Ipv4Address, IPv6Address = a.Ipv6Address, LinkLocalIPs = a.LinkLocalIps.IsEmpty ? null : [.. a.LinkLocalIps] },
    };

    /// <summary>
    /// A bind the engine may create when missing, without options only the Mount API has, goes as a legacy
    /// <c>Binds</c> string (as Compose sends it); everything else as a mount.
    /// </summary>
    private static bool UsesBindString(CoreMount m) =>
        m.Type == MountType.Bind && m.CreateHostPath && m.Recursive is null or "enabled" && m.Consistency is null;

    private static EngineMount ToEngineMount(CoreMount m) => new()
    {
        Type = m.Type,
        Source = m.Source,
        Target = m.Target,
        ReadOnly = m.ReadOnly,
        Consistency = m.Consistency,
        TmpfsOptions = m.TmpfsSize is null && m.TmpfsMode is null ? null
            : new TmpfsOptions { SizeBytes = m.TmpfsSize ?? 0, Mode = m.TmpfsMode is { } mode ? (uint)mode : 0 },
        BindOptions = m.Type != MountType.Bind || m.Propagation is null && m.Recursive is null or "enabled" ? null : new BindOptions
        {
            Propagation = m.Propagation,
            NonRecursive = m.Recursive == "disabled" ? true : null,
            ReadOnlyNonRecursive = m.Recursive == "writable" ? true : null,
            ReadOnlyForceRecursive = m.Recursive == "readonly" ? true : null,
        },
        VolumeOptions = m.Type != MountType.Volume || !m.NoCopy && m.VolumeLabels.IsEmpty && m.Subpath is null ? null : new VolumeOptions
        {
            NoCopy = m.NoCopy ? true : null,
            Labels = m.VolumeLabels.IsEmpty ? null : m.VolumeLabels.ToDictionary(kv => kv.Key, kv => kv.Value),
            Subpath = m.Subpath,
        },
        ImageOptions = m.Type == MountType.Image && m.Subpath is not null ? new ImageOptions { Subpath = m.Subpath } : null,
    };

    /// <summary>A bind the engine creates if missing: <c>SOURCE:TARGET[:ro][,z|Z][,propagation]</c>.</summary>
    private static string BindString(CoreMount m)
    {
        var options = new List<string>();
        if (m.ReadOnly) options.Add("ro");
        if (m.Selinux is not null) options.Add(m.Selinux);
        if (m.Propagation is not null) options.Add(m.Propagation);
        return $"{m.Source}:{m.Target}" + (options.Count == 0 ? "" : ":" + string.Join(',', options));
    }

    private static RestartPolicy? RestartPolicy(string? restart)
    {
        if (restart is null) return null;
        var parts = restart.Split(':');
        var kind = parts[0] switch
        {
            "always" => RestartPolicyKind.Always,
            "unless-stopped" => RestartPolicyKind.UnlessStopped,
            "on-failure" => RestartPolicyKind.OnFailure,
            _ => RestartPolicyKind.No,
        };
        return new RestartPolicy { Name = kind, MaximumRetryCount = parts.Length > 1 && long.TryParse(parts[1], out var n) ? n : 0 };
    }

    private static HealthcheckConfig? Healthcheck(Healthcheck? h) => h is null ? null : new HealthcheckConfig
    {
        Test = h.Disable ? ["NONE"] : h.Test.IsEmpty ? null : [.. h.Test],
        Interval = h.Interval,
        Timeout = h.Timeout,
        Retries = h.Retries,
        StartPeriod = h.StartPeriod,
        StartInterval = h.StartInterval,
    };

    /// <summary>A tar stream holding the injected files at their absolute paths (relative to /), with mode and owner.</summary>
    public static MemoryStream Archive(IEnumerable<InjectedFile> files)
    {
        var stream = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(stream, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, file.Path.TrimStart('/'))
                {
                    Mode = (UnixFileMode)file.Mode,
                    Uid = int.TryParse(file.Uid, out var uid) ? uid : 0,
                    Gid = int.TryParse(file.Gid, out var gid) ? gid : 0,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file.Content)),
                };
                writer.WriteEntry(entry);
            }
        }
        stream.Position = 0;
        return stream;
    }
}
