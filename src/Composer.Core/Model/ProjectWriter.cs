using YamlDotNet.Serialization;

namespace Composer.Core.Model;

/// <summary>
/// Writes the normalized model back as a compose file (what <c>composer config</c> prints): long syntax, absolute
/// paths, resolved names. Loading its output yields the same model.
/// </summary>
public static partial class ProjectWriter
{
    /// <summary>
    /// The model as a tree of dictionaries, lists and scalars. With <paramref name="escapeDollars"/> (the default, as
    /// Compose does after interpolation) every <c>$</c> in a value is written <c>$$</c>, so loading the output again does
    /// not interpolate what was already resolved.
    /// </summary>
    public static Dictionary<string, object?> ToTree(Project project, bool escapeDollars = true)
    {
        var tree = Tree(project);
        return escapeDollars ? (Dictionary<string, object?>)EscapeDollars(tree)! : tree;
    }

    private static object? EscapeDollars(object? value) => value switch
    {
        string s => s.Replace("$", "$$", StringComparison.Ordinal),
        Dictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => EscapeDollars(kv.Value)),
        System.Collections.IEnumerable e and not string => e.Cast<object?>().Select(EscapeDollars).ToList(),
        _ => value,
    };

    private static Dictionary<string, object?> Tree(Project project)
    {
        var root = new Dictionary<string, object?> { ["name"] = project.Name };
        root["services"] = project.Services.Values.ToDictionary(s => s.Name, s => (object?)Service(s));
        var networks = project.Networks.Values.ToDictionary(n => n.Key, n => (object?)Network(n));
        if (networks.Count > 0) root["networks"] = networks;
        var volumes = project.Volumes.Values.ToDictionary(v => v.Key, v => (object?)Volume(v));
        if (volumes.Count > 0) root["volumes"] = volumes;
        var secrets = project.Secrets.Values.ToDictionary(v => v.Key, v => (object?)FileObject(v));
        if (secrets.Count > 0) root["secrets"] = secrets;
        var configs = project.Configs.Values.ToDictionary(v => v.Key, v => (object?)FileObject(v));
        if (configs.Count > 0) root["configs"] = configs;
        if (!project.Models.IsEmpty) root["models"] = project.Models.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, value) in project.Extensions) root[key] = value;
        if (!project.Hosts.IsEmpty) root["x-composer"] = new Dictionary<string, object?> { ["hosts"] = project.Hosts.Values.ToDictionary(h => h.Name, h => (object?)Host(h)) };
        return root;
    }

    private static Dictionary<string, object?> Host(HostSpec host)
    {
        var o = new Dictionary<string, object?>();
        if ((host.Endpoint ?? host.Context) is { } dockerHost) o["docker_host"] = dockerHost;
        if (host.Address is { } address) o["address"] = address;
        return o;
    }

    public static string ToYaml(Project project, bool escapeDollars = true) => Yaml.Serialize(ToTree(project, escapeDollars));

    // Building a serializer costs far more than using one; it holds no per-call state.
    // YAML 1.1 words (yes, no, on, off) are quoted too, so older parsers read them back as strings.
    private static readonly ISerializer Yaml = CreateYamlSerializer();

    // The serializer only ever walks the tree below (dictionaries, lists, strings, numbers, booleans), which needs no
    // generated code; the integration tests print every loader fixture through the published (NativeAOT) binary.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Walks only Dictionary<string, object?>, List<object?> and scalars")]
    private static ISerializer CreateYamlSerializer() =>
        new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).DisableAliases()
            // x-* fields are printed as written, as deep as the reader allows (YamlReader.MaxDepth), and a little more.
            .WithMaximumRecursion(2 * Loading.Yaml.YamlReader.MaxDepth + 16)
            .WithEventEmitter(next => new NullAsWord(next), where => where.OnBottom()).Build();

    /// <summary>Writes a null as <c>null</c> (as Compose prints <c>default: null</c>) rather than as nothing.</summary>
    private sealed class NullAsWord(YamlDotNet.Serialization.IEventEmitter next) : YamlDotNet.Serialization.EventEmitters.ChainedEventEmitter(next)
    {
        public override void Emit(YamlDotNet.Serialization.ScalarEventInfo eventInfo, YamlDotNet.Core.IEmitter emitter)
        {
            if (eventInfo.Source.Value is null)
            {
                eventInfo.RenderedValue = "null";
                eventInfo.Style = YamlDotNet.Core.ScalarStyle.Plain;
            }
            base.Emit(eventInfo, emitter);
        }
    }

    public static string ToJson(Project project, bool escapeDollars = true) =>
        JsonTree.Serialize(ToTree(project, escapeDollars), indented: true);

    private static Dictionary<string, object?> FileObject(FileObject f)
    {
        var o = new Dictionary<string, object?> { ["name"] = f.Name };
        if (f.External) o["external"] = true;
        if (f.File is not null) o["file"] = f.File;
        if (f.Environment is not null) o["environment"] = f.Environment;
        if (f.Content is not null) o["content"] = f.Content;
        return o;
    }

    private static List<object?> FileReferences(IEnumerable<FileReference> refs) => [.. refs.Select(r =>
    {
        var o = new Dictionary<string, object?> { ["source"] = r.Source };
        if (r.Target is not null) o["target"] = r.Target;
        if (r.Uid is not null) o["uid"] = r.Uid;
        if (r.Gid is not null) o["gid"] = r.Gid;
        // Octal, as people write file modes; Compose reads a leading 0 as octal.
        if (r.Mode is { } mode) o["mode"] = "0" + Convert.ToString(mode, 8);
        return (object?)o;
    })];

    private static Dictionary<string, object?> Service(Service s)
    {
        var o = new Dictionary<string, object?>();
        void Put(string key, object? value)
        {
            if (value is null) return;
            if (value is System.Collections.ICollection { Count: 0 }) return;
            o[key] = value;
        }
        Put("image", s.Image);
        if (s.Build is { } b)
        {
            Put("build", Build(b));
        }
        if (s.Command is { } cmd) o["command"] = cmd.ToList();
        if (s.Entrypoint is { } ep) o["entrypoint"] = ep.ToList();
        Put("environment", s.Environment.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
        Put("ports", s.Ports.Select(p =>
        {
            // Compose's order and defaults: name, mode (ingress), host_ip, target, published, protocol, app_protocol.
            var port = new Dictionary<string, object?>();
            if (p.Name is not null) port["name"] = p.Name;
            port["mode"] = p.Mode;
            if (p.HostIp is not null) port["host_ip"] = p.HostIp;
            port["target"] = p.Target;
            if (p.Published is not null) port["published"] = p.Published;
            port["protocol"] = p.Protocol;
            if (p.AppProtocol is not null) port["app_protocol"] = p.AppProtocol;
            return port;
        }).ToList());
        Put("expose", s.Expose.ToList());
        // As Compose prints a dependency: restart only when true.
        Put("depends_on", s.DependsOn.ToDictionary(kv => kv.Key, kv => (object?)(kv.Value.Restart
            ? new Dictionary<string, object?> { ["condition"] = kv.Value.Condition, ["restart"] = true, ["required"] = kv.Value.Required }
            : new Dictionary<string, object?> { ["condition"] = kv.Value.Condition, ["required"] = kv.Value.Required })));
        Put("links", s.Links.Select(l => l.Alias == l.Service ? l.Service : $"{l.Service}:{l.Alias}").ToList());
        Put("external_links", s.ExternalLinks.ToList());
        Put("network_mode", s.NetworkMode);
        if (s.NetworkMode is null)
            Put("networks", s.Networks.ToDictionary(kv => kv.Key, kv =>
            {
                var n = new Dictionary<string, object?>();
                if (!kv.Value.Aliases.IsEmpty) n["aliases"] = kv.Value.Aliases.ToList();
                if (!kv.Value.DriverOpts.IsEmpty) n["driver_opts"] = Map(kv.Value.DriverOpts);
                if (kv.Value.GwPriority != 0) n["gw_priority"] = kv.Value.GwPriority;
                if (kv.Value.InterfaceName is not null) n["interface_name"] = kv.Value.InterfaceName;
                if (kv.Value.Ipv4Address is not null) n["ipv4_address"] = kv.Value.Ipv4Address;
                if (kv.Value.Ipv6Address is not null) n["ipv6_address"] = kv.Value.Ipv6Address;
                if (!kv.Value.LinkLocalIps.IsEmpty) n["link_local_ips"] = kv.Value.LinkLocalIps.ToList();
                if (kv.Value.MacAddress is not null) n["mac_address"] = kv.Value.MacAddress;
                if (kv.Value.Priority != 0) n["priority"] = kv.Value.Priority;
                return (object?)(n.Count == 0 ? null : n);
            }));
        Put("volumes", s.Volumes.Select(m =>
        {
            var v = new Dictionary<string, object?> { ["type"] = m.Type };
            if (m.Source is not null) v["source"] = m.Source;
            v["target"] = m.Target;
            if (m.ReadOnly) v["read_only"] = true;
            if (m.Consistency is not null) v["consistency"] = m.Consistency;
            // A section is printed when the file wrote one (or the short syntax implied it), with Compose's defaults.
            if (m.Type == MountType.Bind && (m.OptionsWritten || m.Propagation is not null || m.Selinux is not null || m.Recursive is not null || !m.CreateHostPath))
            {
                var bind = new Dictionary<string, object?>();
                if (m.Propagation is not null) bind["propagation"] = m.Propagation;
                bind["create_host_path"] = m.CreateHostPath;
                if (m.Recursive is not null) bind["recursive"] = m.Recursive;
                if (m.Selinux is not null) bind["selinux"] = m.Selinux;
                v["bind"] = bind;
            }
            if (m.Type == MountType.Volume && (m.OptionsWritten || m.NoCopy || m.Subpath is not null || !m.VolumeLabels.IsEmpty))
            {
                var volume = new Dictionary<string, object?>();
                if (!m.VolumeLabels.IsEmpty) volume["labels"] = Map(m.VolumeLabels);
                if (m.NoCopy) volume["nocopy"] = true;
                if (m.Subpath is not null) volume["subpath"] = m.Subpath;
                v["volume"] = volume;
            }
            if (m.TmpfsSize is not null || m.TmpfsMode is not null)
            {
                var tmpfs = new Dictionary<string, object?>();
                if (m.TmpfsSize is { } size) tmpfs["size"] = size;
                if (m.TmpfsMode is { } mode) tmpfs["mode"] = mode;
                v["tmpfs"] = tmpfs;
            }
            if (m.Type == MountType.Image && m.Subpath is not null) v["image"] = new Dictionary<string, object?> { ["subpath"] = m.Subpath };
            return v;
        }).ToList());
        Put("volumes_from", s.VolumesFrom.ToList());
        Put("restart", s.Restart);
        Put("labels", s.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
        Put("container_name", s.ContainerName);
        Put("hostname", s.Hostname);
        Put("working_dir", s.WorkingDir);
        Put("user", s.User);
        if (s.Tty) o["tty"] = true;
        if (s.StdinOpen) o["stdin_open"] = true;
        if (s.Privileged) o["privileged"] = true;
        if (s.ReadOnly) o["read_only"] = true;
        if (s.Init is { } init) o["init"] = init;
        Put("stop_signal", s.StopSignal);
        if (s.StopGracePeriod is { } g) o["stop_grace_period"] = Durations.Format(g);
        Put("extra_hosts", s.ExtraHosts.Select(h => $"{h.Host}={h.Address}").ToList());
        Put("dns", s.Dns.ToList());
        Put("cap_add", s.CapAdd.ToList());
        Put("cap_drop", s.CapDrop.ToList());
        if (s.Healthcheck is { } h)
        {
            var hc = new Dictionary<string, object?>();
            if (h.Disable) hc["disable"] = true;
            else if (!h.Test.IsEmpty) hc["test"] = h.Test.ToList();
            if (h.Interval is { } i) hc["interval"] = Durations.Format(i);
            if (h.Timeout is { } t) hc["timeout"] = Durations.Format(t);
            if (h.Retries is { } r) hc["retries"] = r;
            if (h.StartPeriod is { } sp) hc["start_period"] = Durations.Format(sp);
            if (h.StartInterval is { } si) hc["start_interval"] = Durations.Format(si);
            o["healthcheck"] = hc;
        }
        Put("profiles", s.Profiles.ToList());
        if (s.Scale != 1) o["scale"] = s.Scale;
        Put("pull_policy", s.PullPolicy);
        Put("ulimits", Ulimits(s.Ulimits));
        Put("tmpfs", s.Tmpfs.ToList());
        Put("secrets", FileReferences(s.Secrets));
        Put("configs", FileReferences(s.Configs));
        if (s.ShmSize is { } shm) o["shm_size"] = shm;
        if (s.MemLimit is { } mem) o["mem_limit"] = mem;
        foreach (var (key, value) in RuntimeKeys.Entries(s)) o[key] = value;
        if (!s.Extensions.IsEmpty) o["x-composer"] = s.Extensions.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        foreach (var (key, value) in s.ExtensionFields) o[key] = value;
        // Keys in the order Compose prints a service (compose-go's ServiceConfig), x-* fields last in name order.
        return o.OrderBy(kv => ServiceKeyRank.TryGetValue(kv.Key, out var rank) ? rank : int.MaxValue)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static readonly Dictionary<string, int> ServiceKeyRank = new[]
    {
        "profiles", "annotations", "attach", "build", "develop", "blkio_config", "cap_add", "cap_drop", "cgroup_parent",
        "cgroup", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpus",
        "cpuset", "cpu_shares", "command", "configs", "container_name", "credential_spec", "depends_on", "deploy",
        "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "dockerfile", "domainname", "entrypoint",
        "provider", "environment", "env_file", "expose", "extends", "external_links", "extra_hosts", "group_add", "gpus",
        "hostname", "healthcheck", "image", "init", "ipc", "isolation", "labels", "label_file", "links", "logging",
        "log_driver", "log_opt", "mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "mac_address",
        "models", "net", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit",
        "platform", "ports", "privileged", "pull_policy", "pull_refresh_after", "read_only", "restart", "runtime", "scale", "secrets",
        "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs",
        "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from",
        "working_dir", "pre_start", "post_start", "pre_stop",
    }.Select((key, rank) => (key, rank)).ToDictionary(x => x.key, x => x.rank, StringComparer.Ordinal);

    private static Dictionary<string, object?>? Network(Network n)
    {
        var o = new Dictionary<string, object?> { ["name"] = n.Name };
        if (n.External) { o["external"] = true; return o; }
        if (n.Driver is not null) o["driver"] = n.Driver;
        if (!n.DriverOpts.IsEmpty) o["driver_opts"] = n.DriverOpts.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (n.Internal) o["internal"] = true;
        if (n.Attachable) o["attachable"] = true;
        if (n.EnableIpv4 is { } v4) o["enable_ipv4"] = v4;
        if (n.EnableIpv6) o["enable_ipv6"] = true;
        if (!n.Labels.IsEmpty) o["labels"] = n.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (n.Ipam is { } ipam)
        {
            var i = new Dictionary<string, object?>();
            if (ipam.Driver is not null) i["driver"] = ipam.Driver;
            if (!ipam.Config.IsEmpty)
                i["config"] = ipam.Config.Select(p =>
                {
                    var pool = new Dictionary<string, object?>();
                    if (p.Subnet is not null) pool["subnet"] = p.Subnet;
                    if (p.IpRange is not null) pool["ip_range"] = p.IpRange;
                    if (p.Gateway is not null) pool["gateway"] = p.Gateway;
                    if (!p.AuxAddresses.IsEmpty) pool["aux_addresses"] = Map(p.AuxAddresses);
                    return pool;
                }).ToList();
            if (!ipam.Options.IsEmpty) i["options"] = Map(ipam.Options);
            o["ipam"] = i;
        }
        return o;
    }

    private static Dictionary<string, object?> Volume(Volume v)
    {
        var o = new Dictionary<string, object?> { ["name"] = v.Name };
        if (v.External) { o["external"] = true; return o; }
        if (v.Driver is not null) o["driver"] = v.Driver;
        if (!v.DriverOpts.IsEmpty) o["driver_opts"] = v.DriverOpts.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (!v.Labels.IsEmpty) o["labels"] = v.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (!v.Movable) o["x-composer"] = new Dictionary<string, object?> { ["movable"] = false };
        return o;
    }
}
