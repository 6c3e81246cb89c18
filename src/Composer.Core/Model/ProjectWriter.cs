using Composer.Core.Loading;
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
        return root;
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
            var build = new Dictionary<string, object?> { ["context"] = b.Context };
            if (b.Dockerfile is not null) build["dockerfile"] = b.Dockerfile;
            if (!b.Args.IsEmpty) build["args"] = b.Args.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
            if (!b.Labels.IsEmpty) build["labels"] = b.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
            if (b.Network is not null) build["network"] = b.Network;
            if (b.Target is not null) build["target"] = b.Target;
            if (b.ShmSize is { } buildShm) build["shm_size"] = buildShm;
            if (!b.ExtraHosts.IsEmpty) build["extra_hosts"] = b.ExtraHosts.Select(h => $"{h.Host}={h.Address}").ToList();
            Put("build", build);
        }
        if (s.Command is { } cmd) o["command"] = cmd.ToList();
        if (s.Entrypoint is { } ep) o["entrypoint"] = ep.ToList();
        Put("environment", s.Environment.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
        Put("ports", s.Ports.Select(p =>
        {
            var port = new Dictionary<string, object?> { ["target"] = p.Target };
            if (p.Published is not null) port["published"] = p.Published;
            if (p.HostIp is not null) port["host_ip"] = p.HostIp;
            port["protocol"] = p.Protocol;
            if (p.Mode is not null) port["mode"] = p.Mode;
            return port;
        }).ToList());
        Put("expose", s.Expose.ToList());
        Put("depends_on", s.DependsOn.ToDictionary(kv => kv.Key, kv => (object?)new Dictionary<string, object?>
        {
            ["condition"] = kv.Value.Condition, ["restart"] = kv.Value.Restart, ["required"] = kv.Value.Required,
        }));
        Put("links", s.Links.Select(l => l.Alias == l.Service ? l.Service : $"{l.Service}:{l.Alias}").ToList());
        Put("external_links", s.ExternalLinks.ToList());
        Put("network_mode", s.NetworkMode);
        if (s.NetworkMode is null)
            Put("networks", s.Networks.ToDictionary(kv => kv.Key, kv =>
            {
                var n = new Dictionary<string, object?>();
                if (!kv.Value.Aliases.IsEmpty) n["aliases"] = kv.Value.Aliases.ToList();
                if (kv.Value.Ipv4Address is not null) n["ipv4_address"] = kv.Value.Ipv4Address;
                if (kv.Value.Ipv6Address is not null) n["ipv6_address"] = kv.Value.Ipv6Address;
                if (kv.Value.Priority != 0) n["priority"] = kv.Value.Priority;
                return (object?)(n.Count == 0 ? null : n);
            }));
        Put("volumes", s.Volumes.Select(m =>
        {
            var v = new Dictionary<string, object?> { ["type"] = m.Type };
            if (m.Source is not null) v["source"] = m.Source;
            v["target"] = m.Target;
            if (m.ReadOnly) v["read_only"] = true;
            if (m.Type == MountType.Bind && !m.CreateHostPath) v["bind"] = new Dictionary<string, object?> { ["create_host_path"] = false };
            if (m.TmpfsSize is { } size) v["tmpfs"] = new Dictionary<string, object?> { ["size"] = size };
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
        if (s.StopGracePeriod is { } g) o["stop_grace_period"] = ValueParsers.FormatDuration(g);
        Put("extra_hosts", s.ExtraHosts.Select(h => $"{h.Host}={h.Address}").ToList());
        Put("dns", s.Dns.ToList());
        Put("cap_add", s.CapAdd.ToList());
        Put("cap_drop", s.CapDrop.ToList());
        if (s.Healthcheck is { } h)
        {
            var hc = new Dictionary<string, object?>();
            if (h.Disable) hc["disable"] = true;
            else if (!h.Test.IsEmpty) hc["test"] = h.Test.ToList();
            if (h.Interval is { } i) hc["interval"] = ValueParsers.FormatDuration(i);
            if (h.Timeout is { } t) hc["timeout"] = ValueParsers.FormatDuration(t);
            if (h.Retries is { } r) hc["retries"] = r;
            if (h.StartPeriod is { } sp) hc["start_period"] = ValueParsers.FormatDuration(sp);
            if (h.StartInterval is { } si) hc["start_interval"] = ValueParsers.FormatDuration(si);
            o["healthcheck"] = hc;
        }
        Put("profiles", s.Profiles.ToList());
        if (s.Scale != 1) o["scale"] = s.Scale;
        Put("deploy", Deploy(s.Deploy));
        Put("pull_policy", s.PullPolicy);
        Put("ulimits", s.Ulimits.ToDictionary(kv => kv.Key, kv => kv.Value.Soft == kv.Value.Hard
            ? (object?)kv.Value.Soft
            : new Dictionary<string, object?> { ["soft"] = kv.Value.Soft, ["hard"] = kv.Value.Hard }));
        Put("tmpfs", s.Tmpfs.ToList());
        Put("secrets", FileReferences(s.Secrets));
        Put("configs", FileReferences(s.Configs));
        if (s.ShmSize is { } shm) o["shm_size"] = shm;
        if (s.MemLimit is { } mem) o["mem_limit"] = mem;
        if (!s.Extensions.IsEmpty) o["x-composer"] = s.Extensions.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        // Keys in name order, as Compose prints a service.
        return o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static Dictionary<string, object?>? Network(Network n)
    {
        var o = new Dictionary<string, object?> { ["name"] = n.Name };
        if (n.External) { o["external"] = true; return o; }
        if (n.Driver is not null) o["driver"] = n.Driver;
        if (!n.DriverOpts.IsEmpty) o["driver_opts"] = n.DriverOpts.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (n.Internal) o["internal"] = true;
        if (n.Attachable) o["attachable"] = true;
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
                    return pool;
                }).ToList();
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
        return o;
    }
}
