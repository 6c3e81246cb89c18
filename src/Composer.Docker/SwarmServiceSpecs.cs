using System.Globalization;
using Composer.Core.Model;
using Composer.Core.Stack;
using Docker.DotNet.Models;
using Mount = Docker.DotNet.Models.Mount;
using PortBinding = Composer.Core.Model.PortBinding;

namespace Composer.Docker;

/// <summary>
/// <see cref="StackService"/> → the Engine API's <see cref="ServiceSpec"/>, as <c>docker stack deploy</c> converts a
/// compose service: entrypoint → Command, command → Args, deploy.* → mode, placement, resources, policies, endpoint.
/// </summary>
public static class SwarmServiceSpecs
{
    public static ServiceSpec ToServiceSpec(StackService stack, IReadOnlyDictionary<string, string>? secretIds = null, IReadOnlyDictionary<string, string>? configIds = null)
    {
        var s = stack.Model;
        var d = s.Deploy;
        var container = new ContainerSpec
        {
            Image = s.Image,
            Labels = new Dictionary<string, string>(stack.ContainerLabels),
            Command = s.Entrypoint is { } e ? [.. e] : null,
            Args = s.Command is { } c ? [.. c] : null,
            Env = [.. s.Environment.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}")],
            Hostname = s.Hostname,
            Dir = s.WorkingDir,
            User = s.User,
            TTY = s.Tty ? true : null,
            OpenStdin = s.StdinOpen ? true : null,
            ReadOnly = s.ReadOnly ? true : null,
            Init = s.Init,
            StopSignal = s.StopSignal,
            StopGracePeriod = s.StopGracePeriod,
            Hosts = s.ExtraHosts.IsEmpty ? null : [.. s.ExtraHosts.Select(h => $"{h.Address} {h.Host}")],
            DNSConfig = s.Dns.IsEmpty ? null : new DNSConfig { Nameservers = [.. s.Dns] },
            CapabilityAdd = s.CapAdd.IsEmpty ? null : [.. s.CapAdd],
            CapabilityDrop = s.CapDrop.IsEmpty ? null : [.. s.CapDrop],
            Healthcheck = s.Healthcheck is { } h ? new HealthcheckConfig
            {
                Test = [.. h.Test], Interval = h.Interval, Timeout = h.Timeout, StartPeriod = h.StartPeriod, StartInterval = h.StartInterval, Retries = h.Retries,
            } : null,
            Mounts = stack.Mounts.IsEmpty ? null : [.. stack.Mounts.Select(ToMount)],
            Secrets = stack.Secrets.IsEmpty ? null : [.. stack.Secrets.Select(f => new SecretReference
            {
                SecretName = f.ObjectName, SecretID = secretIds?.GetValueOrDefault(f.ObjectName),
                File = new SecretReferenceFileTarget { Name = f.FileName, UID = f.Uid ?? "0", GID = f.Gid ?? "0", Mode = (uint)(f.Mode ?? 0x124) },
            })],
            Configs = stack.Configs.IsEmpty ? null : [.. stack.Configs.Select(f => new SwarmConfigReference
            {
                ConfigName = f.ObjectName, ConfigID = configIds?.GetValueOrDefault(f.ObjectName),
                File = new ConfigReferenceFileTarget { Name = f.FileName, UID = f.Uid ?? "0", GID = f.Gid ?? "0", Mode = (uint)(f.Mode ?? 0x124) },
            })],
        };
        var task = new TaskSpec
        {
            ContainerSpec = container,
            Networks = [.. stack.Networks.Select(n => new NetworkAttachmentConfig { Target = n.Network, Aliases = [.. n.Aliases] })],
            RestartPolicy = RestartPolicy(s),
            Placement = d is null ? null : new Placement
            {
                Constraints = d.Constraints.IsEmpty ? null : [.. d.Constraints],
                Preferences = d.SpreadPreferences.IsEmpty ? null : [.. d.SpreadPreferences.Select(p => new PlacementPreference { Spread = new SpreadOver { SpreadDescriptor = p } })],
                MaxReplicas = d.MaxReplicasPerNode is { } max ? (ulong)max : null,
            },
            Resources = d?.Limits is null && d?.Reservations is null && s.MemLimit is null ? null : new ResourceRequirements
            {
                Limits = new SwarmLimit { NanoCPUs = d?.Limits?.NanoCpus, MemoryBytes = d?.Limits?.MemoryBytes ?? s.MemLimit, Pids = d?.Limits?.Pids },
                Reservations = d?.Reservations is { } r ? new SwarmResources { NanoCPUs = r.NanoCpus, MemoryBytes = r.MemoryBytes } : null,
            },
        };
        var replicas = (ulong)Math.Max(0, stack.Replicas);
        return new ServiceSpec
        {
            Name = stack.Name,
            Labels = new Dictionary<string, string>(stack.Labels),
            TaskTemplate = task,
            Mode = stack.Mode switch
            {
                "global" => new ServiceMode { Global = new GlobalService() },
                "replicated-job" => new ServiceMode { ReplicatedJob = new ReplicatedJob { TotalCompletions = replicas, MaxConcurrent = replicas } },
                "global-job" => new ServiceMode { GlobalJob = new GlobalJob() },
                _ => new ServiceMode { Replicated = new ReplicatedService { Replicas = replicas } },
            },
            UpdateConfig = UpdateConfig(d?.UpdateConfig),
            RollbackConfig = UpdateConfig(d?.RollbackConfig),
            EndpointSpec = new EndpointSpec
            {
                Mode = d?.EndpointMode ?? "vip",
                Ports = s.Ports.IsEmpty ? null : [.. s.Ports.SelectMany(ToPortConfigs)],
            },
        };
    }

    private static Mount ToMount(StackMount m) => new()
    {
        Type = m.Type,
        Source = m.Source,
        Target = m.Target,
        ReadOnly = m.ReadOnly ? true : null,
        VolumeOptions = m.Type == MountType.Volume && m.VolumeLabels.Count > 0 ? new VolumeOptions { Labels = new Dictionary<string, string>(m.VolumeLabels) } : null,
    };

    /// <summary>deploy.restart_policy, or the service's <c>restart:</c> translated as docker stack does.</summary>
    private static SwarmRestartPolicy? RestartPolicy(Service s)
    {
        if (s.Deploy?.RestartPolicy is { } p)
            return new SwarmRestartPolicy { Condition = p.Condition, Delay = p.Delay, MaxAttempts = p.MaxAttempts is { } m ? (ulong)m : null, Window = p.Window };
        return s.Restart switch
        {
            "no" => new SwarmRestartPolicy { Condition = "none" },
            "always" or "unless-stopped" => new SwarmRestartPolicy { Condition = "any" },
            { } r when r.StartsWith("on-failure", StringComparison.Ordinal) => new SwarmRestartPolicy
            {
                Condition = "on-failure",
                MaxAttempts = r.Split(':') is [_, var n] && ulong.TryParse(n, CultureInfo.InvariantCulture, out var max) ? max : null,
            },
            _ => null,
        };
    }

    private static SwarmUpdateConfig? UpdateConfig(DeployUpdateConfig? u) => u is null ? null : new SwarmUpdateConfig
    {
        Parallelism = (ulong)(u.Parallelism ?? 1),
        Delay = u.Delay,
        FailureAction = u.FailureAction,
        Monitor = u.Monitor,
        MaxFailureRatio = (float)(u.MaxFailureRatio ?? 0),
        Order = u.Order,
    };

    private static IEnumerable<PortConfig> ToPortConfigs(PortBinding p)
    {
        var mode = p.Mode ?? "ingress";
        if (p.Published is null) { yield return new PortConfig { TargetPort = (uint)p.Target, Protocol = p.Protocol, PublishMode = mode }; yield break; }
        var parts = p.Published.Split('-');
        var first = uint.Parse(parts[0], CultureInfo.InvariantCulture);
        var last = parts.Length > 1 ? uint.Parse(parts[1], CultureInfo.InvariantCulture) : first;
        for (var port = first; port <= last; port++)
            yield return new PortConfig { TargetPort = (uint)p.Target + (port - first), PublishedPort = port, Protocol = p.Protocol, PublishMode = mode };
    }
}
