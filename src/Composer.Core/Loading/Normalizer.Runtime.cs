using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// The keys that tune the container (resources, namespaces, security, logging, devices) and those with a meaning
/// beside it (hooks, attach, deploy, provider, models): one transform per key group, as compose-go's loader has.
/// </summary>
public sealed partial class Normalizer
{
    private ServiceRuntime Runtime(YMapping m, string at)
    {
        if (m["credential_spec"] is YMapping)
            diagnostics.Warning("service.credential_spec", $"{at}.credential_spec: only Windows containers use a credential spec; this Linux engine ignores it", m["credential_spec"]!.Start);
        return new ServiceRuntime
        {
            Logging = m["logging"] is YMapping log ? new LoggingOptions(Str(log["driver"]), Dict(log["options"])) : null,
            Cpus = Number(m["cpus"], $"{at}.cpus"),
            CpuCount = Whole(m["cpu_count"], $"{at}.cpu_count"),
            CpuPercent = Number(m["cpu_percent"], $"{at}.cpu_percent"),
            CpuShares = Whole(m["cpu_shares"], $"{at}.cpu_shares"),
            CpuPeriod = Whole(m["cpu_period"], $"{at}.cpu_period"),
            CpuQuota = Whole(m["cpu_quota"], $"{at}.cpu_quota"),
            CpuRtPeriod = Microseconds(m["cpu_rt_period"], $"{at}.cpu_rt_period"),
            CpuRtRuntime = Microseconds(m["cpu_rt_runtime"], $"{at}.cpu_rt_runtime"),
            Cpuset = Str(m["cpuset"]),
            MemReservation = Bytes(m["mem_reservation"], $"{at}.mem_reservation"),
            MemSwappiness = Whole(m["mem_swappiness"], $"{at}.mem_swappiness"),
            MemswapLimit = m["memswap_limit"] is YScalar { Value: "-1" } ? -1 : Bytes(m["memswap_limit"], $"{at}.memswap_limit"),
            PidsLimit = Whole(m["pids_limit"], $"{at}.pids_limit"),
            OomKillDisable = Bool(m["oom_kill_disable"]),
            OomScoreAdj = Whole(m["oom_score_adj"], $"{at}.oom_score_adj"),
            Blkio = Blkio(m["blkio_config"] as YMapping, at),
            SecurityOpt = List(m["security_opt"]),
            Devices = Devices(m["devices"] as YSequence, at),
            DeviceCgroupRules = List(m["device_cgroup_rules"]),
            Gpus = Gpus(m["gpus"], at),
            Sysctls = Dict(m["sysctls"]),
            Pid = Str(m["pid"]),
            Ipc = Str(m["ipc"]),
            Uts = Str(m["uts"]),
            UsernsMode = Str(m["userns_mode"]),
            Cgroup = Str(m["cgroup"]),
            CgroupParent = Str(m["cgroup_parent"]),
            GroupAdd = List(m["group_add"]),
            DnsOpt = List(m["dns_opt"]),
            DnsSearch = List(m["dns_search"]),
            Domainname = Str(m["domainname"]),
            MacAddress = Str(m["mac_address"]),
            StorageOpt = Dict(m["storage_opt"]),
            Runtime = Str(m["runtime"]),
            Platform = Str(m["platform"]),
            Isolation = Str(m["isolation"]),
            VolumeDriver = Str(m["volume_driver"]),
            Annotations = Dict(m["annotations"]),
            LabelFiles = [.. List(m["label_file"]).Select(f => context.ResolvePath(f))],
            Attach = m["attach"] is YScalar attach && !attach.IsNull ? Bool(attach) : null,
            PostStart = Hooks(m["post_start"] as YSequence, $"{at}.post_start"),
            PreStop = Hooks(m["pre_stop"] as YSequence, $"{at}.pre_stop"),
            PreStart = m["pre_start"] is YSequence { Items.Count: > 0 } preStart ? Raw(preStart) : null,
            PullRefreshAfter = Str(m["pull_refresh_after"]),
            UseApiSocket = Bool(m["use_api_socket"]),
            CredentialSpec = m["credential_spec"] is YMapping cred ? Dict(cred) : ImmutableSortedDictionary<string, string>.Empty,
            Develop = Raw(m["develop"]),
            DevelopWatch = DevelopWatch(m["develop"], $"{at}.develop"),
            Provider = m["provider"] is YMapping p ? new ServiceProvider(Str(p["type"]) ?? "", ProviderOptions(p["options"] as YMapping)) : null,
            Models = ServiceModels(m["models"]),
        };
    }

    /// <summary>label_file: KEY=VALUE lines as in an env file; the service's own <c>labels</c> win.</summary>
    private ImmutableSortedDictionary<string, string> Labels(YMapping m, string at)
    {
        var labels = Dict(m["labels"]);
        if (m["label_file"] is not { } files) return labels;
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var file in files is YSequence seq ? seq.Items.OfType<YScalar>() : files is YScalar s ? [s] : [])
        {
            if (HostPath(file.Value, file, $"{at}.label_file") is not { } path) continue;
            if (context.ReadFile(path) is not { } text)
            {
                diagnostics.Error("service.label_file", $"{at}.label_file: label file {path} not found", file.Start);
                continue;
            }
            var (entries, error) = EnvFile.Parse(text, _ => null);
            if (error is not null) diagnostics.Error("label-file.syntax", error.Message, new SourcePosition(path, error.Line, error.Column));
            foreach (var e in entries) result[e.Key] = e.Value ?? "";
        }
        foreach (var (k, v) in labels) result[k] = v;
        return result.ToImmutable();
    }

    private ImmutableArray<DeviceMapping> Devices(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<DeviceMapping>();
        foreach (var item in seq?.Items ?? [])
        {
            switch (item)
            {
                case YScalar s:
                {
                    // host[:container[:permissions]]; a CDI name (vendor.com/class=name) is one part.
                    var parts = s.Value.Contains('=') ? [s.Value] : s.Value.Split(':');
                    if (parts.Length > 3 || parts[0].Length == 0)
                    {
                        diagnostics.Error("service.devices", $"{at}.devices: '{s.Value}' must be 'host-path[:container-path[:permissions]]'", s.Start);
                        continue;
                    }
                    var target = parts.Length > 1 ? parts[1] : parts[0];
                    var permissions = parts.Length > 2 ? parts[2] : "rwm";
                    // "/dev/x:rw" is a path and permissions, as the docker CLI reads it.
                    if (parts.Length == 2 && !parts[1].StartsWith('/') && parts[1].All(c => c is 'r' or 'w' or 'm')) (target, permissions) = (parts[0], parts[1]);
                    result.Add(new DeviceMapping(parts[0], target, permissions));
                    break;
                }
                case YMapping d:
                    result.Add(new DeviceMapping(Str(d["source"]) ?? "", Str(d["target"]) ?? Str(d["source"]) ?? "", Str(d["permissions"]) ?? "rwm"));
                    break;
            }
        }
        return result.ToImmutable();
    }

    /// <summary><c>gpus: all</c> or a list of device requests; every one asks for the <c>gpu</c> capability, as Compose does.</summary>
    private ImmutableArray<DeviceRequest> Gpus(YNode? node, string at) => node switch
    {
        YScalar { Value: "all" } => [new DeviceRequest { Count = -1, Capabilities = ["gpu"] }],
        YSequence seq => [.. seq.Items.OfType<YMapping>().Select(d => DeviceRequest(d, $"{at}.gpus")).Select(r =>
            r.Capabilities.Contains("gpu") ? r : r with { Capabilities = [.. r.Capabilities, "gpu"] })],
        _ => [],
    };

    private DeviceRequest DeviceRequest(YMapping d, string at) => new()
    {
        Driver = Str(d["driver"]),
        Count = d["count"] is YScalar { Value: "all" } ? -1 : Whole(d["count"], $"{at}.count"),
        DeviceIds = List(d["device_ids"]),
        Capabilities = List(d["capabilities"]),
        Options = Dict(d["options"]),
    };

    private BlkioConfig? Blkio(YMapping? m, string at)
    {
        if (m is null) return null;
        ImmutableArray<BlkioDevice> Devices(string key, string value, bool bytes) =>
        [
            .. (m[key] as YSequence)?.Items.OfType<YMapping>().Select(d => new BlkioDevice(Str(d["path"]) ?? "",
                (bytes ? Bytes(d[value], $"{at}.blkio_config.{key}.{value}") : Whole(d[value], $"{at}.blkio_config.{key}.{value}")) ?? 0)) ?? [],
        ];
        return new BlkioConfig
        {
            Weight = Whole(m["weight"], $"{at}.blkio_config.weight"),
            WeightDevice = Devices("weight_device", "weight", bytes: false),
            DeviceReadBps = Devices("device_read_bps", "rate", bytes: true),
            DeviceWriteBps = Devices("device_write_bps", "rate", bytes: true),
            DeviceReadIops = Devices("device_read_iops", "rate", bytes: false),
            DeviceWriteIops = Devices("device_write_iops", "rate", bytes: false),
        };
    }

    private ImmutableArray<ServiceHook> Hooks(YSequence? seq, string at) => [.. (seq?.Items ?? []).OfType<YMapping>().Select(h => Hook(h, at))];

    private static ImmutableSortedDictionary<string, string> ProviderOptions(YMapping? m)
    {
        // An option may be a list: Compose passes each value as its own --key=value; kept here joined by commas.
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in m?.Entries ?? [])
            result[k.Value] = v is YSequence seq ? string.Join(",", seq.Items.OfType<YScalar>().Select(s => s.Value)) : Str(v) ?? "";
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string?> ServiceModels(YNode? node)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        switch (node)
        {
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>()) result[s.Value] = null;
                break;
            case YMapping m:
                foreach (var (k, v) in m.Entries) result[k.Value] = Str((v as YMapping)?["endpoint_var"]);
                break;
        }
        return result.ToImmutable();
    }

    /// <summary>A subtree as plain values (string, long, double, bool, lists, maps) for keys only printed by <c>config</c>.</summary>
    internal static object? Raw(YNode? node) => node switch
    {
        YMapping m => m.Entries.OrderBy(e => e.Key.Value, StringComparer.Ordinal).ToDictionary(e => e.Key.Value, e => Raw(e.Value)),
        YSequence s => s.Items.Select(Raw).ToList(),
        YScalar { IsNull: true } => null,
        YScalar { Kind: ScalarKind.Bool } b => b.AsBool(),
        YScalar { Kind: ScalarKind.Int } i when long.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        YScalar { Kind: ScalarKind.Float } f when double.TryParse(f.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        YScalar s => s.Value,
        _ => null,
    };

    private long? Whole(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        diagnostics.Error("number", $"{at}: '{s.Value}' is not a whole number", s.Start);
        return null;
    }

    private double? Number(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0) return n;
        diagnostics.Error("number", $"{at}: '{s.Value}' is not a number (like 0.5 or 2)", s.Start);
        return null;
    }

    /// <summary>cpu_rt_period/runtime: microseconds as a number, or a duration (<c>400ms</c>), as Compose reads them.</summary>
    private long? Microseconds(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (long.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        return Duration(node, at) is { } d ? d.Ticks / 10 : null;
    }
}
