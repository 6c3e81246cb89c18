using Composer.Core.Model;
using Docker.DotNet.Models;
using CoreDeviceRequest = Composer.Core.Model.DeviceRequest;
using EngineDeviceRequest = Docker.DotNet.Models.DeviceRequest;

namespace Composer.Docker;

/// <summary>
/// The <see cref="ServiceRuntime"/> keys in the create request's HostConfig, field by field as Compose's
/// <c>getCreateConfigs</c>/<c>getDeployResources</c> map them (deploy limits win over the service-level keys).
/// </summary>
internal static class RuntimeHostConfig
{
    public static HostConfig WithRuntime(this HostConfig host, ServiceRuntime r, Deploy? deploy)
    {
        if (r.Logging is { } log) host.LogConfig = new LogConfig { Type = log.Driver ?? "", Config = log.Options.ToDictionary(kv => kv.Key, kv => kv.Value) };
        if (DeployOnOneEngine.Cpus(deploy, r) is { } cpus) host.NanoCPUs = (long)Math.Round(cpus * 1e9);
        host.CPUCount = r.CpuCount ?? 0;
        host.CPUPercent = r.CpuPercent is { } percent ? (long)percent : 0;
        host.CPUShares = r.CpuShares ?? 0;
        host.CPUPeriod = r.CpuPeriod ?? 0;
        host.CPUQuota = r.CpuQuota ?? 0;
        host.CPURealtimePeriod = r.CpuRtPeriod ?? 0;
        host.CPURealtimeRuntime = r.CpuRtRuntime ?? 0;
        host.CpusetCpus = r.Cpuset;
        host.MemoryReservation = DeployOnOneEngine.MemReservation(deploy, r) ?? 0;
        host.MemorySwappiness = r.MemSwappiness;
        host.MemorySwap = r.MemswapLimit ?? 0;
        host.PidsLimit = DeployOnOneEngine.PidsLimit(deploy, r);
        if (r.OomKillDisable) host.OomKillDisable = true;
        host.OomScoreAdj = r.OomScoreAdj ?? 0;
        if (r.Blkio is { } b)
        {
            host.BlkioWeight = (ushort)(b.Weight ?? 0);
            host.BlkioWeightDevice = b.WeightDevice.IsEmpty ? null : [.. b.WeightDevice.Select(d => new WeightDevice { Path = d.Path, Weight = (ushort)d.Value })];
            host.BlkioDeviceReadBps = Throttle(b.DeviceReadBps);
            host.BlkioDeviceWriteBps = Throttle(b.DeviceWriteBps);
            host.BlkioDeviceReadIOps = Throttle(b.DeviceReadIops);
            host.BlkioDeviceWriteIOps = Throttle(b.DeviceWriteIops);
        }
        host.SecurityOpt = r.SecurityOpt.IsEmpty ? null : [.. r.SecurityOpt.Where(o => o != "systempaths=unconfined")];
        if (r.SecurityOpt.Contains("systempaths=unconfined"))
        {
            // Not an engine option but the docker CLI's: no masked or read-only paths.
            host.MaskedPaths = [];
            host.ReadonlyPaths = [];
        }
        host.Devices = r.Devices.IsEmpty ? null : [.. r.Devices.Select(d => new global::Docker.DotNet.Models.DeviceMapping { PathOnHost = d.Source, PathInContainer = d.Target, CgroupPermissions = d.Permissions })];
        host.DeviceCgroupRules = r.DeviceCgroupRules.IsEmpty ? null : [.. r.DeviceCgroupRules];
        var requests = DeployOnOneEngine.DeviceRequests(deploy, r).Select(Request).ToList();
        host.DeviceRequests = requests.Count == 0 ? null : requests;
        host.Sysctls = r.Sysctls.IsEmpty ? null : r.Sysctls.ToDictionary(kv => kv.Key, kv => kv.Value);
        host.PidMode = r.Pid;
        host.IpcMode = r.Ipc;
        host.UTSMode = r.Uts;
        host.UsernsMode = r.UsernsMode;
        host.CgroupnsMode = r.Cgroup;
        host.CgroupParent = r.CgroupParent;
        host.GroupAdd = r.GroupAdd.IsEmpty ? null : [.. r.GroupAdd];
        host.DNSOptions = r.DnsOpt.IsEmpty ? null : [.. r.DnsOpt];
        host.DNSSearch = r.DnsSearch.IsEmpty ? null : [.. r.DnsSearch];
        host.StorageOpt = r.StorageOpt.IsEmpty ? null : r.StorageOpt.ToDictionary(kv => kv.Key, kv => kv.Value);
        host.Runtime = r.Runtime;
        host.Isolation = r.Isolation;
        host.VolumeDriver = r.VolumeDriver;
        host.Annotations = r.Annotations.IsEmpty ? null : r.Annotations.ToDictionary(kv => kv.Key, kv => kv.Value);
        return host;
    }

    private static List<ThrottleDevice>? Throttle(IReadOnlyCollection<BlkioDevice> devices) =>
        devices.Count == 0 ? null : [.. devices.Select(d => new ThrottleDevice { Path = d.Path, Rate = (ulong)d.Value })];

    private static EngineDeviceRequest Request(CoreDeviceRequest d) => new()
    {
        Driver = d.Driver,
        Count = d.Count ?? (d.DeviceIds.IsEmpty ? -1 : 0),
        DeviceIDs = d.DeviceIds.IsEmpty ? null : [.. d.DeviceIds],
        Capabilities = d.Capabilities.IsEmpty ? null : [[.. d.Capabilities]],
        Options = d.Options.IsEmpty ? null : d.Options.ToDictionary(kv => kv.Key, kv => kv.Value),
    };
}
