using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>
/// The <c>com.docker.compose.config-hash</c> of a service: SHA-256 over a canonical, versioned JSON form of only the
/// fields that change a container. Field names are Compose's and written out explicitly, so renaming a C# property,
/// adding a model field, or upgrading Composer does not change the hash of an unchanged service (recreating every
/// container after an upgrade is Compose's most reported <c>up</c> bug). Change <see cref="FormVersion"/> only when the
/// canonical form itself must change.
/// </summary>
public static class ConfigHash
{
    public const string FormVersion = "composer-config-hash/1";

    public static string Compute(Service s) => Hashes.GetValue(s, static s => Hash(CanonicalForm(s)));

    public static string Hash(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    // A service is immutable, so its form and hash are made once per instance: a plan asks for both (the hash label
    // and the form label of each replica), and at 500 services that was most of a nothing-to-do `up`.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Service, string> Forms = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Service, string> Hashes = new();

    /// <summary>The canonical JSON: sorted keys, empty and default fields left out.</summary>
    public static string CanonicalForm(Service s) => Forms.GetValue(s, static s => MakeCanonicalForm(s));

    private static string MakeCanonicalForm(Service s)
    {
        s = Hosts.AmbassadorRoutes.WithoutRoute(s);
        var o = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["form"] = FormVersion,
        };
        void Put(string key, JsonNode? value)
        {
            if (value is null) return;
            if (value is JsonArray { Count: 0 } || value is JsonObject { Count: 0 }) return;
            o[key] = value;
        }
        JsonArray Arr(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);
        JsonObject Obj(IEnumerable<KeyValuePair<string, string?>> items) =>
            new(items.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

        Put("image", s.Image);
        Put("command", s.Command is { } c ? Arr(c) : null);
        Put("entrypoint", s.Entrypoint is { } e ? Arr(e) : null);
        Put("environment", Obj(s.Environment));
        Put("ports", Arr(s.Ports.Select(p => p.ToString()).Order(StringComparer.Ordinal)));
        Put("expose", Arr(s.Expose.Order(StringComparer.Ordinal)));
        Put("links", Arr(s.Links.Select(l => $"{l.Service}:{l.Alias}")));
        Put("external_links", Arr(s.ExternalLinks));
        Put("network_mode", s.NetworkMode);
        Put("networks", new JsonObject(s.Networks.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)NetworkForm(kv.Value)))));
        Put("volumes", Arr(s.Volumes.Select(m => $"{m.Type}:{m.Source}:{m.Target}:{(m.ReadOnly ? "ro" : "rw")}" +
            (m.Selinux is null ? "" : $":{m.Selinux}") + (m.Propagation is null ? "" : $":{m.Propagation}") + (m.NoCopy ? ":nocopy" : "") + MountExtras(m))));
        Put("volumes_from", Arr(s.VolumesFrom));
        Put("restart", s.Restart);
        Put("labels", Obj(s.Labels.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))));
        Put("container_name", s.ContainerName);
        Put("hostname", s.Hostname);
        Put("working_dir", s.WorkingDir);
        Put("user", s.User);
        if (s.Tty) Put("tty", true);
        if (s.StdinOpen) Put("stdin_open", true);
        if (s.Privileged) Put("privileged", true);
        if (s.ReadOnly) Put("read_only", true);
        if (s.Init is { } init) Put("init", init);
        Put("stop_signal", s.StopSignal);
        Put("stop_grace_period", s.StopGracePeriod is { } g ? (JsonNode)g.Ticks : null);
        Put("extra_hosts", Arr(s.ExtraHosts.Select(h => h.ToString())));
        Put("dns", Arr(s.Dns));
        Put("cap_add", Arr(s.CapAdd.Order(StringComparer.Ordinal)));
        Put("cap_drop", Arr(s.CapDrop.Order(StringComparer.Ordinal)));
        if (s.Healthcheck is { } h)
        {
            var hc = new JsonObject();
            if (h.Disable) hc["disable"] = true;
            if (!h.Test.IsEmpty) hc["test"] = Arr(h.Test);
            if (h.Interval is { } i) hc["interval"] = i.Ticks;
            if (h.Timeout is { } t) hc["timeout"] = t.Ticks;
            if (h.Retries is { } r) hc["retries"] = r;
            if (h.StartPeriod is { } sp) hc["start_period"] = sp.Ticks;
            if (h.StartInterval is { } si) hc["start_interval"] = si.Ticks;
            Put("healthcheck", hc);
        }
        Put("x-composer", Obj(s.Extensions.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))));
        // Added with the loader's completeness: left out when empty, so services that do not use them hash as before.
        Put("ulimits", Obj(s.Ulimits.Select(kv => KeyValuePair.Create(kv.Key, (string?)$"{kv.Value.Soft}:{kv.Value.Hard}"))));
        Put("tmpfs", Arr(s.Tmpfs));
        Put("secrets", Arr(s.Secrets.Select(r => $"{r.Source}:{r.MountPath(true)}:{r.Uid}:{r.Gid}:{r.Mode}")));
        Put("configs", Arr(s.Configs.Select(r => $"{r.Source}:{r.MountPath(false)}:{r.Uid}:{r.Gid}:{r.Mode}")));
        Put("shm_size", s.ShmSize is { } shm ? (JsonNode)shm : null);
        Put("mem_limit", s.MemLimit is { } mem ? (JsonNode)mem : null);
        foreach (var (key, value) in RuntimeKeys.Entries(s)) Put(key, Node(value));
        Put("tmpfs_sizes", Arr(s.Volumes.Where(m => m.TmpfsSize is not null).Select(m => $"{m.Target}:{m.TmpfsSize}")));
        return new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, kv.Value))).ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>A plain value tree (see <see cref="RuntimeKeys"/>) as JSON, map keys sorted.</summary>
    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string str => JsonValue.Create(str),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        System.Collections.IDictionary map => new JsonObject(map.Keys.Cast<string>().Order(StringComparer.Ordinal)
            .Select(k => KeyValuePair.Create(k, Node(map[k])))),
        System.Collections.IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(Node)]),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonObject NetworkForm(ServiceNetwork n)
    {
        var o = new JsonObject();
        if (!n.Aliases.IsEmpty) o["aliases"] = new JsonArray([.. n.Aliases.Order(StringComparer.Ordinal).Select(a => (JsonNode?)JsonValue.Create(a))]);
        if (n.Ipv4Address is not null) o["ipv4_address"] = n.Ipv4Address;
        if (n.Ipv6Address is not null) o["ipv6_address"] = n.Ipv6Address;
        if (n.Priority != 0) o["priority"] = n.Priority;
        // Added with the per-network keys: absent when unset, so existing containers hash as before.
        if (!n.DriverOpts.IsEmpty) o["driver_opts"] = string.Join(",", n.DriverOpts.Select(kv => $"{kv.Key}={kv.Value}"));
        if (!n.LinkLocalIps.IsEmpty) o["link_local_ips"] = string.Join(",", n.LinkLocalIps);
        if (n.GwPriority != 0) o["gw_priority"] = n.GwPriority;
        if (n.InterfaceName is not null) o["interface_name"] = n.InterfaceName;
        if (n.MacAddress is not null) o["mac_address"] = n.MacAddress;
        return o;
    }

    /// <summary>The long-syntax mount options added later, written only when set (old hashes stay valid).</summary>
    private static string MountExtras(Mount m) =>
        (m.Consistency is null ? "" : $":consistency={m.Consistency}") + (m.Subpath is null ? "" : $":subpath={m.Subpath}") +
        (m.Recursive is null ? "" : $":recursive={m.Recursive}") + (m.TmpfsMode is null ? "" : $":mode={m.TmpfsMode}") +
        (m.VolumeLabels.IsEmpty ? "" : ":labels=" + string.Join(",", m.VolumeLabels.Select(kv => $"{kv.Key}={kv.Value}")));
}
