
namespace Composer.Core.Model;

/// <summary>
/// The <see cref="ServiceRuntime"/> keys under their Compose names, as plain values (strings, numbers, booleans, lists
/// and maps); only those the file set. <c>config</c> prints them and the config hash reads them, so one list says both
/// what is shown and what recreates a container.
/// </summary>
public static class RuntimeKeys
{
    public static IEnumerable<KeyValuePair<string, object?>> Entries(Service service)
    {
        var r = service.Runtime;
        var o = new List<KeyValuePair<string, object?>>();
        void Put(string key, object? value)
        {
            if (value is null or System.Collections.ICollection { Count: 0 } or false) return;
            o.Add(new KeyValuePair<string, object?>(key, value));
        }
        if (r.Logging is { } log)
        {
            var l = new Dictionary<string, object?>();
            if (log.Driver is not null) l["driver"] = log.Driver;
            if (!log.Options.IsEmpty) l["options"] = Map(log.Options);
            Put("logging", l);
        }
        Put("cpus", r.Cpus);
        Put("cpu_count", r.CpuCount);
        Put("cpu_percent", r.CpuPercent);
        Put("cpu_shares", r.CpuShares);
        Put("cpu_period", r.CpuPeriod);
        Put("cpu_quota", r.CpuQuota);
        Put("cpu_rt_period", r.CpuRtPeriod);
        Put("cpu_rt_runtime", r.CpuRtRuntime);
        Put("cpuset", r.Cpuset);
        Put("mem_reservation", r.MemReservation);
        Put("mem_swappiness", r.MemSwappiness);
        Put("memswap_limit", r.MemswapLimit);
        Put("pids_limit", r.PidsLimit);
        Put("oom_kill_disable", r.OomKillDisable);
        Put("oom_score_adj", r.OomScoreAdj);
        if (r.Blkio is { } b)
        {
            static List<object?> Devices(IEnumerable<BlkioDevice> d, string value) =>
                [.. d.Select(x => (object?)new Dictionary<string, object?> { ["path"] = x.Path, [value] = x.Value })];
            var blkio = new Dictionary<string, object?>();
            if (b.Weight is { } w) blkio["weight"] = w;
            if (!b.WeightDevice.IsEmpty) blkio["weight_device"] = Devices(b.WeightDevice, "weight");
            if (!b.DeviceReadBps.IsEmpty) blkio["device_read_bps"] = Devices(b.DeviceReadBps, "rate");
            if (!b.DeviceWriteBps.IsEmpty) blkio["device_write_bps"] = Devices(b.DeviceWriteBps, "rate");
            if (!b.DeviceReadIops.IsEmpty) blkio["device_read_iops"] = Devices(b.DeviceReadIops, "rate");
            if (!b.DeviceWriteIops.IsEmpty) blkio["device_write_iops"] = Devices(b.DeviceWriteIops, "rate");
            Put("blkio_config", blkio);
        }
        Put("security_opt", List(r.SecurityOpt));
        Put("devices", r.Devices.Select(d => (object?)new Dictionary<string, object?>
            { ["source"] = d.Source, ["target"] = d.Target, ["permissions"] = d.Permissions }).ToList());
        Put("device_cgroup_rules", List(r.DeviceCgroupRules));
        Put("gpus", r.Gpus.Select(DeviceRequest).ToList());
        Put("sysctls", Map(r.Sysctls));
        Put("pid", r.Pid);
        Put("ipc", r.Ipc);
        Put("uts", r.Uts);
        Put("userns_mode", r.UsernsMode);
        Put("cgroup", r.Cgroup);
        Put("cgroup_parent", r.CgroupParent);
        Put("group_add", List(r.GroupAdd));
        Put("dns_opt", List(r.DnsOpt));
        Put("dns_search", List(r.DnsSearch));
        Put("domainname", r.Domainname);
        Put("mac_address", r.MacAddress);
        Put("storage_opt", Map(r.StorageOpt));
        Put("runtime", r.Runtime);
        Put("platform", r.Platform);
        Put("isolation", r.Isolation);
        Put("volume_driver", r.VolumeDriver);
        Put("annotations", Map(r.Annotations));
        Put("label_file", List(r.LabelFiles));
        if (r.Attach is { } attach) o.Add(new KeyValuePair<string, object?>("attach", attach));
        Put("post_start", r.PostStart.Select(Hook).ToList());
        Put("pre_stop", r.PreStop.Select(Hook).ToList());
        Put("pre_start", r.PreStart);
        Put("pull_refresh_after", r.PullRefreshAfter);
        Put("use_api_socket", r.UseApiSocket);
        Put("credential_spec", Map(r.CredentialSpec));
        if (service.Deploy is { } deploy) Put("deploy", Deploy(deploy));
        Put("develop", r.Develop);
        if (r.Provider is { } p)
        {
            var provider = new Dictionary<string, object?> { ["type"] = p.Type };
            if (!p.Options.IsEmpty) provider["options"] = Map(p.Options);
            Put("provider", provider);
        }
        Put("models", r.Models.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : (object?)new Dictionary<string, object?> { ["endpoint_var"] = kv.Value }));
        return o;
    }

    private static Dictionary<string, object?> Map(IEnumerable<KeyValuePair<string, string>> items) =>
        items.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => (object?)kv.Value);

    private static List<object?> List(IEnumerable<string> items) => [.. items];

    private static object? DeviceRequest(DeviceRequest d)
    {
        var o = new Dictionary<string, object?>();
        if (d.Driver is not null) o["driver"] = d.Driver;
        if (d.Count is { } c) o["count"] = c == -1 ? "all" : c;
        if (!d.DeviceIds.IsEmpty) o["device_ids"] = List(d.DeviceIds);
        if (!d.Capabilities.IsEmpty) o["capabilities"] = List(d.Capabilities);
        if (!d.Options.IsEmpty) o["options"] = Map(d.Options);
        return o;
    }

    private static object? Hook(ServiceHook h)
    {
        var o = new Dictionary<string, object?> { ["command"] = List(h.Command) };
        if (h.User is not null) o["user"] = h.User;
        if (h.Privileged) o["privileged"] = true;
        if (h.WorkingDir is not null) o["working_dir"] = h.WorkingDir;
        if (!h.Environment.IsEmpty) o["environment"] = Map(h.Environment);
        return o;
    }

    /// <summary>deploy without <c>replicas</c>: that one is the service's <c>scale</c>. Keys sorted, as Compose prints them.</summary>
    private static Dictionary<string, object?> Deploy(Deploy d)
    {
        var o = new Dictionary<string, object?>(d.Extensions);
        if (d.Mode is not null) o["mode"] = d.Mode;
        if (d.EndpointMode is not null) o["endpoint_mode"] = d.EndpointMode;
        var placement = new Dictionary<string, object?>();
        if (!d.Constraints.IsEmpty) placement["constraints"] = List(d.Constraints);
        if (d.MaxReplicasPerNode is { } max) placement["max_replicas_per_node"] = (long)max;
        if (!d.SpreadPreferences.IsEmpty) placement["preferences"] = d.SpreadPreferences.Select(p => (object?)new Dictionary<string, object?> { ["spread"] = p }).ToList();
        if (placement.Count > 0) o["placement"] = placement;
        var resources = new Dictionary<string, object?>();
        if (d.Limits is { } limits) resources["limits"] = Resources(limits);
        if (d.Reservations is { } reservations) resources["reservations"] = Resources(reservations);
        if (resources.Count > 0) o["resources"] = resources;
        if (d.RestartPolicy is { } p)
        {
            var policy = new Dictionary<string, object?>();
            if (p.Condition is not null) policy["condition"] = p.Condition;
            if (p.Delay is { } delay) policy["delay"] = Durations.Format(delay);
            if (p.MaxAttempts is { } attempts) policy["max_attempts"] = attempts;
            if (p.Window is { } window) policy["window"] = Durations.Format(window);
            o["restart_policy"] = policy;
        }
        if (d.UpdateConfig is { } update) o["update_config"] = UpdateConfig(update);
        if (d.RollbackConfig is { } rollback) o["rollback_config"] = UpdateConfig(rollback);
        if (!d.Labels.IsEmpty) o["labels"] = Map(d.Labels);
        return o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static Dictionary<string, object?> UpdateConfig(DeployUpdateConfig u)
    {
        var o = new Dictionary<string, object?>();
        if (u.Delay is { } delay) o["delay"] = Durations.Format(delay);
        if (u.FailureAction is not null) o["failure_action"] = u.FailureAction;
        if (u.MaxFailureRatio is { } ratio) o["max_failure_ratio"] = ratio;
        if (u.Monitor is { } monitor) o["monitor"] = Durations.Format(monitor);
        if (u.Order is not null) o["order"] = u.Order;
        if (u.Parallelism is { } parallelism) o["parallelism"] = (long)parallelism;
        return o;
    }

    private static Dictionary<string, object?> Resources(DeployResources r)
    {
        var o = new Dictionary<string, object?>();
        if (r.Cpus is { } cpus) o["cpus"] = cpus;
        if (r.MemoryBytes is { } memory) o["memory"] = memory.ToString(System.Globalization.CultureInfo.InvariantCulture); // the spec types it as a string
        if (r.Pids is { } pids) o["pids"] = pids;
        if (!r.Devices.IsEmpty) o["devices"] = r.Devices.Select(DeviceRequest).ToList();
        return o;
    }
}
