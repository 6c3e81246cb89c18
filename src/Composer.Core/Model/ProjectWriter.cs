using Composer.Core.Loading;
using YamlDotNet.Serialization;

namespace Composer.Core.Model;

/// <summary>
/// Writes the normalized model back as a compose file (what <c>composer config</c> prints): long syntax, absolute
/// paths, resolved names. Loading its output yields the same model.
/// </summary>
public static class ProjectWriter
{
    public static Dictionary<string, object?> ToTree(Project project)
    {
        var root = new Dictionary<string, object?> { ["name"] = project.Name };
        root["services"] = project.Services.Values.ToDictionary(s => s.Name, s => (object?)Service(s));
        var networks = project.Networks.Values.ToDictionary(n => n.Key, n => (object?)Network(n));
        if (networks.Count > 0) root["networks"] = networks;
        var volumes = project.Volumes.Values.ToDictionary(v => v.Key, v => (object?)Volume(v));
        if (volumes.Count > 0) root["volumes"] = volumes;
        return root;
    }

    public static string ToYaml(Project project) =>
        new SerializerBuilder().WithQuotingNecessaryStrings().DisableAliases().Build().Serialize(ToTree(project));

    public static string ToJson(Project project) =>
        System.Text.Json.JsonSerializer.Serialize(ToTree(project), new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

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
            if (b.Target is not null) build["target"] = b.Target;
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
        Put("pull_policy", s.PullPolicy);
        if (!s.Extensions.IsEmpty) o["x-composer"] = s.Extensions.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        return o;
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
