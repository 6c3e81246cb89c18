using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>Resolves a service replica to a <see cref="ContainerSpec"/>: engine names for networks, volumes and links.</summary>
public static partial class ContainerSpecBuilder
{
    public static readonly string ComposerVersion = BuildInfo.Version;

    public static ContainerSpec Build(Project project, Service service, int number, string configHash, string? imageId = null)
    {
        var name = project.ContainerName(service, number);
        var labels = service.Labels.ToBuilder();
        labels[ComposeLabels.Project] = project.Name;
        labels[ComposeLabels.Service] = service.Name;
        labels[ComposeLabels.ContainerNumber] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        labels[ComposeLabels.OneOff] = "False";
        labels[ComposeLabels.ConfigHash] = configHash;
        labels[ConfigDiff.Label] = ConfigHash.CanonicalForm(service);
        labels[ComposeLabels.WorkingDir] = project.WorkingDirectory;
        labels[ComposeLabels.ConfigFiles] = string.Join(",", project.ConfigFiles);
        labels[ComposeLabels.Version] = ComposerVersion;
        labels[ComposeLabels.Composer] = ComposerVersion;
        labels[ComposeLabels.DependsOn] = DependsOnLabel.Format(service);
        if (imageId is not null) labels[ComposeLabels.Image] = imageId;
        if (ServiceHooks.Label(service.Runtime) is { } hooks) labels[ServiceHooks.LabelName] = hooks;

        // Networks: the highest priority first (then by name) is attached at create; the rest are connected before start.
        var attachments = service.Networks
            .OrderByDescending(kv => kv.Value.Priority).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new NetworkAttachment(project.Networks[kv.Key].Name,
                [service.Name, .. kv.Value.Aliases.Where(a => a != service.Name)], kv.Value.Ipv4Address, kv.Value.Ipv6Address)
                { DriverOpts = kv.Value.DriverOpts, LinkLocalIps = kv.Value.LinkLocalIps })
            .ToList();

        string? networkMode = service.NetworkMode switch
        {
            null => null,
            var m when m.StartsWith("service:", StringComparison.Ordinal) =>
                "container:" + project.ContainerName(project.Services[m[8..]], 1),
            var m => m,
        };

        var exposed = service.Expose
            .Concat(service.Ports.Select(p => $"{p.Target}/{p.Protocol}"))
            .Distinct().Order(StringComparer.Ordinal);

        return new ContainerSpec
        {
            Name = name,
            Service = service.Name,
            Number = number,
            Image = service.Image ?? $"{project.Name}-{service.Name}",
            Command = service.Command,
            Entrypoint = service.Entrypoint,
            Environment = [.. service.Environment.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}")],
            Labels = labels.ToImmutable(),
            ExposedPorts = [.. exposed],
            Ports = service.Ports,
            Mounts = [.. service.Volumes.Select(m => m.Type == MountType.Volume && m.Source is not null
                ? m with { Source = project.Volumes[m.Source].Name } : m),
                .. FileMounts(service.Secrets, project.Secrets, secret: true), .. FileMounts(service.Configs, project.Configs, secret: false),
                .. ApiSocketMount(service)],
            VolumesFrom = [.. service.VolumesFrom.Select(v => VolumesFromContainer(project, v))],
            PrimaryNetwork = attachments.FirstOrDefault(),
            ExtraNetworks = [.. attachments.Skip(1)],
            NetworkMode = networkMode ?? attachments.FirstOrDefault()?.NetworkName,
            Links = [.. service.Links.Select(l => $"{project.ContainerName(project.Services[l.Service], 1)}:{l.Alias}"),
                     .. service.ExternalLinks.Select(l => l.Contains(':') ? l : $"{l}:{l}")],
            ExtraHosts = [.. service.ExtraHosts.Select(h => $"{h.Host}:{h.Address}")],
            Dns = service.Dns,
            RestartPolicy = DeployOnOneEngine.Restart(service.Deploy, service.Restart),
            Healthcheck = service.Healthcheck,
            Hostname = service.Hostname,
            WorkingDir = service.WorkingDir,
            User = service.User,
            Tty = service.Tty,
            StdinOpen = service.StdinOpen,
            Privileged = service.Privileged,
            ReadOnly = service.ReadOnly,
            Init = service.Init,
            StopSignal = service.StopSignal,
            StopTimeout = service.StopGracePeriod,
            CapAdd = service.CapAdd,
            CapDrop = service.CapDrop,
            Ulimits = service.Ulimits,
            Tmpfs = service.Tmpfs.ToImmutableSortedDictionary(t => t.Split(':', 2)[0], t => t.Contains(':') ? t.Split(':', 2)[1] : "", StringComparer.Ordinal),
            ShmSize = service.ShmSize,
            MemLimit = DeployOnOneEngine.Memory(service.Deploy, service.MemLimit),
            Runtime = service.Runtime,
            Deploy = service.Deploy,
            Files = [.. InjectedFiles(service.Secrets, project.Secrets, secret: true), .. InjectedFiles(service.Configs, project.Configs, secret: false)],
            LinkTargets = LinkTargetsOf(project, service),
        };
    }

    /// <summary>use_api_socket: the engine's socket at the path containers expect, as Compose binds it.</summary>
    private static IEnumerable<Mount> ApiSocketMount(Service service) => service.Runtime.UseApiSocket
        ? [new Mount(MountType.Bind, "/var/run/docker.sock", "/var/run/docker.sock") { CreateHostPath = false }]
        : [];

    /// <summary>Secrets and configs backed by a host file are read-only bind mounts of that file, as Compose mounts them.</summary>
    private static IEnumerable<Mount> FileMounts(ImmutableArray<FileReference> refs, ImmutableSortedDictionary<string, FileObject> objects, bool secret) =>
        refs.Where(r => objects.TryGetValue(r.Source, out var o) && o.File is not null)
            .Select(r => new Mount(MountType.Bind, objects[r.Source].File, r.MountPath(secret), ReadOnly: true) { CreateHostPath = false });

    /// <summary>Secrets and configs from a variable or inline content are copied into the container before it starts.</summary>
    private static IEnumerable<InjectedFile> InjectedFiles(ImmutableArray<FileReference> refs, ImmutableSortedDictionary<string, FileObject> objects, bool secret) =>
        refs.Where(r => objects.TryGetValue(r.Source, out var o) && o.File is null && !o.External)
            .Select(r => new InjectedFile(r.MountPath(secret), objects[r.Source].EnvironmentValue ?? objects[r.Source].Content ?? "",
                r.Mode ?? 0x124, r.Uid, r.Gid));

    /// <summary>
    /// Compose's depends_on label: <c>service:condition:restart</c>, comma separated; lets <c>down</c> order without the
    /// file. Links, network_mode and volumes_from are in depends_on already (the loader adds them, as Compose does).
    /// </summary>
    private static string VolumesFromContainer(Project project, string spec)
    {
        var parts = spec.Split(':');
        if (parts[0] == "container") return string.Join(':', parts[1..]);
        var mode = parts.Length > 1 ? ":" + parts[1] : "";
        return project.Services.TryGetValue(parts[0], out var s) ? project.ContainerName(s, 1) + mode : spec;
    }

    public static NetworkSpec Network(Project project, Network n)
    {
        var labels = n.Labels.ToBuilder();
        labels[ComposeLabels.Project] = project.Name;
        labels[ComposeLabels.Network] = n.Key;
        labels[ComposeLabels.Version] = ComposerVersion;
        return new NetworkSpec(n.Name, n.Driver, n.Internal, n.Attachable, n.EnableIpv6, n.Ipam, n.DriverOpts, labels.ToImmutable());
    }

    public static VolumeSpec Volume(Project project, Volume v)
    {
        var labels = v.Labels.ToBuilder();
        labels[ComposeLabels.Project] = project.Name;
        labels[ComposeLabels.Volume] = v.Key;
        labels[ComposeLabels.Version] = ComposerVersion;
        return new VolumeSpec(v.Name, v.Driver, v.DriverOpts, labels.ToImmutable());
    }
}
